// The baseline: the least a server can do for createOutpaintJob. A bare node:http handler reads
// the request, inserts one row into a copy of the server's own schema (the server's migrations)
// and answers. SQLite: better-sqlite3 with the server's pragmas (WAL, foreign keys) and
// `synchronous` as given. PostgreSQL: a pg pool of the server's default size on the database
// given, with `synchronous_commit` as given. Runs in a worker thread so that it has its own
// event loop, as the real server has its own process.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { applyMigrations } from "../../dist/src/infrastructure/db/migrate.js";
import { applyPostgresMigrations } from "../../dist/src/infrastructure/db/migrate-postgres.js";
import { MIGRATIONS_DIR, POSTGRES_MIGRATIONS_DIR } from "../../dist/src/core/paths.js";

const INSERT_TUNE = `INSERT INTO "Tune" ("id", "title", "kind", "backend", "isDefault") VALUES ('tune', 'CPU fill', 'BASE', 'CPU_FILL', true)`;
const INSERT_JOB = (p) =>
  `INSERT INTO "OutpaintJob" ("id", "ownerId", "tuneId", "width", "height", "inputImageId", "spec", "createdAt", "updatedAt")
   VALUES (${p(1)}, 'local', 'tune', ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)})`;

/** { insert(values): Promise, count(): Promise<number>, close(): Promise } for the database in workerData. */
async function openStore({ database, durability, url }) {
  if (database === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "outpaint-bench-bare-"));
    const file = join(dir, "bare.db");
    applyMigrations(file, MIGRATIONS_DIR); // the same tables and indexes; sets journal_mode = WAL
    const db = new BetterSqlite3(file, { timeout: 10_000 });
    db.pragma(`synchronous = ${durability}`);
    db.pragma("foreign_keys = ON");
    db.prepare(INSERT_TUNE.replace("true", "1")).run();
    const insert = db.prepare(INSERT_JOB(() => "?"));
    return {
      insert: async (values) => insert.run(...values),
      count: async () => db.prepare(`SELECT count(*) AS n FROM "OutpaintJob"`).get().n,
      close: async () => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  await applyPostgresMigrations(url, POSTGRES_MIGRATIONS_DIR);
  const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c synchronous_commit=${durability}` });
  await pool.query(INSERT_TUNE);
  const text = INSERT_JOB((n) => `$${n}`);
  return {
    insert: (values) => pool.query({ name: "insert-job", text, values: values.map((v, i) => (i >= 5 ? new Date(v) : v)) }),
    count: async () => Number((await pool.query(`SELECT count(*) AS n FROM "OutpaintJob"`)).rows[0].n),
    close: () => pool.end(),
  };
}

const store = await openStore(workerData);
const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", async () => {
    const { variables } = JSON.parse(Buffer.concat(chunks).toString());
    const input = variables.in;
    const id = randomUUID();
    const now = Date.now();
    await store.insert([id, 64 + (input.extend?.right ?? 0), 64, input.image.id, JSON.stringify(input), now, now]);
    const body = JSON.stringify({ data: { createOutpaintJob: { id, status: "QUEUED" } } });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
parentPort.on("message", async (message) => {
  if (message !== "stop") return;
  const rows = await store.count();
  server.close();
  server.closeAllConnections();
  await store.close();
  parentPort.postMessage({ rows });
});
