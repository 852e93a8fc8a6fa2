import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import { MIGRATIONS_DIR } from "../../src/core/paths.js";
import { applyMigrations, listMigrations, MigrationError } from "../../src/infrastructure/db/migrate.js";
import { ROOT } from "../helpers/paths.js";

const scratch = mkdtempSync(join(tmpdir(), "outpaint-migrate-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

test("the committed migrations build exactly prisma/schema.prisma (checked by Prisma's schema engine)", () => {
  const result = spawnSync(process.execPath, ["--experimental-wasm-modules", "--no-warnings", "scripts/create-migration.mjs", "--check"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr + result.stdout);
  assert.match(result.stdout, /matches prisma\/migrations/);
});

test("start-up migration: applies all once, records them as Prisma does, and is a no-op after", () => {
  const file = join(scratch, "fresh.db");
  const first = applyMigrations(file, MIGRATIONS_DIR);
  assert.deepEqual(first.applied, listMigrations(MIGRATIONS_DIR).map((m) => m.name));
  assert.deepEqual(applyMigrations(file, MIGRATIONS_DIR), { applied: [], modified: [] });

  const db = new Database(file, { readonly: true });
  const rows = db.prepare(`SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations`).all() as {
    migration_name: string;
    checksum: string;
    finished_at: number | null;
    applied_steps_count: number;
  }[];
  for (const row of rows) {
    const sql = readFileSync(join(MIGRATIONS_DIR, row.migration_name, "migration.sql"));
    assert.equal(row.checksum, createHash("sha256").update(sql).digest("hex"));
    assert.ok(row.finished_at);
    assert.equal(row.applied_steps_count, 1);
  }
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
  for (const table of ["Tune", "Image", "Prompt", "OutpaintJob", "IdempotencyKey"]) assert.ok(tables.includes(table), table);
  assert.equal((db.pragma("journal_mode", { simple: true }) as string).toLowerCase(), "wal");
  db.close();
});

test("a migration edited after it was applied is reported; a failing one rolls back and stops start-up", () => {
  const dir = join(scratch, "migrations");
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  const file = join(scratch, "edited.db");
  applyMigrations(file, dir);
  const [first] = listMigrations(dir);
  writeFileSync(join(dir, first!.name, "migration.sql"), `${first!.sql}\n-- edited\n`);
  assert.deepEqual(applyMigrations(file, dir).modified, [first!.name]);

  const broken = join(dir, "99991231000000_broken");
  cpSync(join(dir, first!.name), broken, { recursive: true });
  writeFileSync(join(broken, "migration.sql"), `CREATE TABLE "Ok" ("id" TEXT);\nTHIS IS NOT SQL;`);
  assert.throws(() => applyMigrations(file, dir), (error: unknown) => error instanceof MigrationError && /99991231000000_broken failed/.test(error.message));
  const db = new Database(file, { readonly: true });
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
  assert.ok(!tables.includes("Ok"), "the failed migration left nothing behind");
  db.close();
});

test("migrations that rebuild a table keep its rows and the rows that point at them", () => {
  const all = listMigrations(MIGRATIONS_DIR);
  const rebuilding = all.findIndex((migration) => migration.sql.includes("RedefineTables"));
  assert.ok(rebuilding > 0, "a table-rebuilding migration exists");
  const before = join(scratch, "before");
  mkdirSync(before);
  cpSync(join(MIGRATIONS_DIR, "migration_lock.toml"), join(before, "migration_lock.toml"));
  for (const migration of all.slice(0, rebuilding)) cpSync(join(MIGRATIONS_DIR, migration.name), join(before, migration.name), { recursive: true });

  const file = join(scratch, "data.db");
  applyMigrations(file, before);
  const db = new Database(file);
  db.pragma("foreign_keys = ON");
  db.exec(`
    INSERT INTO "Tune" (id, title, kind, backend) VALUES ('t1', 'CPU', 'BASE', 'CPU_FILL');
    INSERT INTO "Prompt" (id, tuneId, text, params) VALUES ('p1', 't1', 'a prompt', '{}');
    INSERT INTO "OutpaintJob" (id, promptId, tuneId, width, height, inputImageId, spec, updatedAt)
      VALUES ('j1', 'p1', 't1', 10, 10, 'i1', '{}', CURRENT_TIMESTAMP);
  `);
  db.close();

  assert.deepEqual(applyMigrations(file, MIGRATIONS_DIR).applied, all.slice(rebuilding).map((m) => m.name));
  const after = new Database(file, { readonly: true });
  assert.deepEqual(after.prepare(`SELECT id, text FROM "Prompt"`).all(), [{ id: "p1", text: "a prompt" }]);
  assert.deepEqual(after.prepare(`SELECT id, promptId FROM "OutpaintJob"`).all(), [{ id: "j1", promptId: "p1" }], "the job still points at its prompt");
  assert.deepEqual(after.pragma("foreign_key_check"), []);
  after.close();
});
