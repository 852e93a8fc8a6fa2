import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import { MIGRATIONS_DIR } from "../../src/core/paths.js";
import { applyMigrations, listMigrations, MigrationError } from "../../src/db/migrate.js";
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
