import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { POSTGRES_MIGRATIONS_DIR } from "../../src/core/paths.js";
import { Database } from "../../src/infrastructure/db/database.js";
import { listMigrations } from "../../src/infrastructure/db/migration-plan.js";
import { KeyService } from "../../src/services/key.service.js";
import { TuneService } from "../../src/services/tune.service.js";
import { createPostgresDatabase, dropPostgresDatabase, queryRows } from "../helpers/database.js";

// Runs where PostgreSQL is (npm test starts it); the same names and steps as the SQLite history
// are checked by `npm run db:migration -- --check` (test/db/migrations.test.ts).
const skip = process.env.TEST_POSTGRES_URL ? false : "TEST_POSTGRES_URL is not set";
const created: string[] = [];
after(async () => {
  for (const url of created) await dropPostgresDatabase(url);
});

test("PostgreSQL: nodes starting at once migrate once, recorded as Prisma records them", { skip }, async () => {
  const url = await createPostgresDatabase();
  created.push(url);
  const opened = await Promise.all([Database.open(url), Database.open(url), Database.open(url)]);
  try {
    const all = listMigrations(POSTGRES_MIGRATIONS_DIR).map((migration) => migration.name);
    const applied = opened.map((db) => db.migrations.applied);
    assert.deepEqual(applied.filter((names) => names.length > 0), [all], "one node applied every migration, the others none");
    assert.ok(opened.every((db) => db.kind === "postgresql"));

    const rows = await queryRows<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      url,
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    assert.deepEqual(rows.map((row) => row.migration_name), all);
    for (const row of rows) {
      const sql = readFileSync(join(POSTGRES_MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      assert.equal(row.checksum, createHash("sha256").update(sql).digest("hex"));
      assert.ok(row.finished_at instanceof Date);
      assert.equal(row.applied_steps_count, 1);
    }
    const again = await Database.open(url);
    assert.deepEqual(again.migrations, { applied: [], modified: [] });
    await again.close();
  } finally {
    for (const db of opened) await db.close();
  }
});

test("PostgreSQL: the built-in tune is created once when nodes start at once", { skip }, async () => {
  const url = await createPostgresDatabase();
  created.push(url);
  const db = await Database.open(url);
  try {
    // Each node's start, through its own service on the one database.
    await Promise.all(Array.from({ length: 4 }, () => new TuneService(db, () => [], new KeyService(db)).ensureDefault()));
    const rows = await queryRows<{ n: string }>(url, `SELECT COUNT(*) AS n FROM "Tune" WHERE "isDefault"`);
    assert.equal(Number(rows[0]!.n), 1);
  } finally {
    await db.close();
  }
});
