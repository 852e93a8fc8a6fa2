import { randomUUID } from "node:crypto";
import pg from "pg";
import { listMigrations, MigrationError, pendingMigrations, type AppliedRow, type MigrationReport } from "./migration-plan.js";

// Applies prisma/postgresql/migrations at start, recorded in Prisma's `_prisma_migrations` table
// as `prisma migrate deploy` records them. Several nodes may start at once: they take the
// advisory lock Prisma's own migrate commands take, so one migrates and the others then find
// nothing left to do.

const PRISMA_MIGRATE_LOCK = 72707369;

const HISTORY_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export async function applyPostgresMigrations(databaseUrl: string, migrationsDir: string): Promise<MigrationReport> {
  const migrations = listMigrations(migrationsDir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
    await client.query(HISTORY_TABLE);
    const history = await client.query<AppliedRow>(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`);
    const { pending, modified } = pendingMigrations(migrations, history.rows);
    for (const migration of pending) {
      // PostgreSQL's DDL is transactional: a failed migration leaves nothing behind.
      await client.query("BEGIN");
      try {
        const id = randomUUID();
        await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ($1, $2, $3)`, [
          id,
          migration.checksum,
          migration.name,
        ]);
        await client.query(migration.sql);
        await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
      }
    }
    return { applied: pending.map((migration) => migration.name), modified };
  } finally {
    // Ending the session releases the advisory lock.
    await client.end();
  }
}
