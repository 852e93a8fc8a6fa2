import assert from "node:assert/strict";
import { test } from "node:test";
import { onPostgres } from "../helpers/database.js";
import { ServerProcess } from "../helpers/server-process.js";

// Without Redis the database is the queue and each process recovers the runs it finds RUNNING
// at start as its own: a second such process on the same database is refused, on SQLite (same
// data directory) and on PostgreSQL (same database) alike.

test("without Redis, a second server on the same database refuses to start and says what to do", async () => {
  const first = await ServerProcess.start();
  // On SQLite the data directory names the database; on PostgreSQL, DATABASE_URL does.
  const same = () => (onPostgres ? ServerProcess.start({ DATABASE_URL: first.databaseUrl }) : ServerProcess.start({}, first.dataDir));
  try {
    await assert.rejects(same(), (error: Error) => {
      assert.match(error.message, /another process already runs one on it/);
      assert.match(error.message, onPostgres ? /several processes on one PostgreSQL database need REDIS_URL/ : /on SQLite one process serves a data directory/);
      return true;
    });
    // The first one is unaffected, and once it is gone (even killed) another may take over.
    assert.equal((await fetch(`${first.url}/readyz`)).status, 200);
    await first.kill();
    const next = await same();
    assert.equal((await fetch(`${next.url}/readyz`)).status, 200);
    await next.dispose();
  } finally {
    await first.dispose();
  }
});
