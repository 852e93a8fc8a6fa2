import { randomUUID } from "node:crypto";
import BetterSqlite3 from "better-sqlite3";
import { listMigrations, MigrationError, pendingMigrations, type AppliedRow, type Migration, type MigrationReport } from "./migration-plan.js";

// Applies prisma/migrations to a SQLite file at start, recording them in Prisma's own
// `_prisma_migrations` table with Prisma's checksum (sha256 of migration.sql), so that
// `prisma migrate status` / `migrate deploy` on a machine with the Prisma CLI agree with us.

export { listMigrations, MigrationError, type MigrationReport };

const HISTORY_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

export function applyMigrations(databaseFile: string, migrationsDir: string): MigrationReport {
  const migrations = listMigrations(migrationsDir);
  const db = new BetterSqlite3(databaseFile);
  try {
    db.pragma("journal_mode = WAL");
    db.exec(HISTORY_TABLE);
    const history = db.prepare(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`).all() as AppliedRow[];
    const { pending, modified } = pendingMigrations(migrations, history);
    for (const migration of pending) applyOne(db, migration);
    return { applied: pending.map((migration) => migration.name), modified };
  } finally {
    db.close();
  }
}

// Foreign keys are switched off around the migration (it cannot be done inside a transaction):
// Prisma's SQLite migrations redefine tables by copy-and-drop, and with enforcement on, a DROP
// would fire ON DELETE actions on child rows. Integrity is checked before the commit instead.
function applyOne(db: BetterSqlite3.Database, migration: Migration): void {
  db.pragma("foreign_keys = OFF");
  try {
    db.transaction(() => {
      const id = randomUUID();
      db.prepare(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES (?, ?, ?, ?)`,
      ).run(id, migration.checksum, migration.name, Date.now());
      try {
        db.exec(migration.sql);
      } catch (error) {
        throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
      }
      const violations = db.pragma("foreign_key_check") as unknown[];
      if (violations.length > 0) {
        throw new MigrationError(`Migration ${migration.name} left ${violations.length} foreign key violations`);
      }
      db.prepare(`UPDATE "_prisma_migrations" SET finished_at = ?, applied_steps_count = 1 WHERE id = ?`).run(
        Date.now(),
        id,
      );
    })();
  } finally {
    db.pragma("foreign_keys = ON");
  }
}
