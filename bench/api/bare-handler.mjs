// The baseline: the least a server can do for createOutpaintJob. A bare node:http handler reads
// the request, inserts one row into a copy of the server's own schema (the server's migrations,
// WAL, the server's pragmas) with better-sqlite3, and answers. Runs in a worker thread so that
// it has its own event loop, as the real server has its own process.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { applyMigrations } from "../../dist/src/db/migrate.js";
import { MIGRATIONS_DIR } from "../../dist/src/core/paths.js";

const dir = mkdtempSync(join(tmpdir(), "outpaint-bench-bare-"));
const file = join(dir, "bare.db");
applyMigrations(file, MIGRATIONS_DIR); // the same tables and indexes; sets journal_mode = WAL
const db = new BetterSqlite3(file, { timeout: 10_000 });
db.pragma(`synchronous = ${workerData.synchronous}`);
db.pragma("foreign_keys = ON");
db.prepare(`INSERT INTO "Tune" ("id", "title", "kind", "backend", "isDefault") VALUES ('tune', 'CPU fill', 'BASE', 'CPU_FILL', 1)`).run();
const insert = db.prepare(
  `INSERT INTO "OutpaintJob" ("id", "ownerId", "tuneId", "width", "height", "inputImageId", "spec", "createdAt", "updatedAt")
   VALUES (?, 'local', 'tune', ?, ?, ?, ?, ?, ?)`,
);

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const { variables } = JSON.parse(Buffer.concat(chunks).toString());
    const input = variables.in;
    const id = randomUUID();
    const now = Date.now();
    insert.run(id, 64 + (input.extend?.right ?? 0), 64, input.image.id, JSON.stringify(input), now, now);
    const body = JSON.stringify({ data: { createOutpaintJob: { id, status: "QUEUED" } } });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
parentPort.on("message", (message) => {
  if (message !== "stop") return;
  const rows = db.prepare(`SELECT count(*) AS n FROM "OutpaintJob"`).get().n;
  server.close();
  server.closeAllConnections();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  parentPort.postMessage({ rows });
});
