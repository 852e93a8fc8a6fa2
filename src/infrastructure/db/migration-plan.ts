import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// What both databases' start-up migrators share: the committed migrations, and which of them a
// database still needs according to Prisma's own `_prisma_migrations` history table.

export class MigrationError extends Error {
  readonly code = "MIGRATION_FAILED";
}

export interface Migration {
  name: string;
  sql: string;
  /** Prisma's checksum: sha256 of migration.sql. */
  checksum: string;
}

export interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

export interface MigrationReport {
  applied: string[];
  /** Migrations whose file changed after they were applied (Prisma warns about these too). */
  modified: string[];
}

export function listMigrations(migrationsDir: string): Migration[] {
  if (!existsSync(migrationsDir)) throw new MigrationError(`No migrations directory at ${migrationsDir}`);
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(migrationsDir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(migrationsDir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** The migrations still to apply, in order, and those changed since they were applied. */
export function pendingMigrations(migrations: Migration[], history: AppliedRow[]): { pending: Migration[]; modified: string[] } {
  const applied = new Map(history.filter((row) => row.rolled_back_at === null).map((row) => [row.migration_name, row]));
  const pending: Migration[] = [];
  const modified: string[] = [];
  for (const migration of migrations) {
    const row = applied.get(migration.name);
    if (row?.finished_at) {
      if (row.checksum !== migration.checksum) modified.push(migration.name);
      continue;
    }
    if (row) {
      throw new MigrationError(
        `Migration ${migration.name} started earlier but did not finish; inspect the database, then mark it with ` +
          `\`npx prisma migrate resolve --applied|--rolled-back ${migration.name}\``,
      );
    }
    pending.push(migration);
  }
  return { pending, modified };
}
