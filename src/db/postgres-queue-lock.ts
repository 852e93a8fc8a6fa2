import pg from "pg";

// Without Redis the database is the queue, and a process recovers the runs it finds RUNNING
// when it starts as its own interrupted runs: two such processes on one PostgreSQL database
// would take each other's live runs for crashed ones. A session advisory lock, held on a
// connection of its own for the process's life, lets only one run; it goes with the process,
// however that ends.

const LOCAL_QUEUE_LOCK = 72707370;

export class PostgresQueueLock {
  private constructor(private readonly client: pg.Client) {}

  /** The lock, or null when another process holds it. */
  static async acquire(databaseUrl: string): Promise<PostgresQueueLock | null> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [LOCAL_QUEUE_LOCK]);
    if (rows[0]?.locked) return new PostgresQueueLock(client);
    await client.end();
    return null;
  }

  release(): Promise<void> {
    return this.client.end();
  }
}
