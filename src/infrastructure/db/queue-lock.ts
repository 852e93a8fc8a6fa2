import Sqlite from "better-sqlite3";
import pg from "pg";

// Without Redis the database is the queue, and a process recovers the runs it finds RUNNING
// when it starts as its own interrupted runs: two such processes on one database would take each
// other's live runs for crashed ones. One lock, held for the process's life and released by the
// operating system or the database however the process ends, lets only one run:
// - PostgreSQL: a session advisory lock on a connection of its own;
// - SQLite: an exclusive transaction, never committed, on a lock file beside the database (SQLite
//   locks files with POSIX advisory locks, which end with the process, SIGKILL included).

const POSTGRES_QUEUE_LOCK = 72707370;

export interface QueueLock {
  release(): Promise<void>;
}

/** The lock for `databaseUrl` (file: or postgresql:), or null when another process holds it. */
export function acquireQueueLock(databaseUrl: string): Promise<QueueLock | null> {
  return databaseUrl.startsWith("file:") ? acquireSqlite(databaseUrl.slice("file:".length)) : acquirePostgres(databaseUrl);
}

async function acquirePostgres(databaseUrl: string): Promise<QueueLock | null> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [POSTGRES_QUEUE_LOCK]);
  if (rows[0]?.locked) return { release: () => client.end() };
  await client.end();
  return null;
}

async function acquireSqlite(databasePath: string): Promise<QueueLock | null> {
  const lock = new Sqlite(`${databasePath}.queue-lock`, { timeout: 0 });
  try {
    lock.exec("BEGIN EXCLUSIVE");
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === "SQLITE_BUSY") return null;
    throw error;
  }
  return {
    async release() {
      lock.close();
    },
  };
}
