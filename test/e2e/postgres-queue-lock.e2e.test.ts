import assert from "node:assert/strict";
import { test } from "node:test";
import { onPostgres } from "../helpers/database.js";
import { ServerProcess } from "../helpers/server-process.js";

// Without Redis the database is the queue and each process recovers the runs it finds RUNNING
// at start as its own: a second such process on the same PostgreSQL database is refused.

test("without Redis, a second server on the same PostgreSQL database refuses to start and names REDIS_URL", { skip: !onPostgres && "PostgreSQL pass only" }, async () => {
  const first = await ServerProcess.start();
  try {
    await assert.rejects(
      ServerProcess.start({ DATABASE_URL: first.databaseUrl }),
      (error: Error) => /another process already runs one on it/.test(error.message) && /REDIS_URL/.test(error.message),
    );
    // The first one is unaffected, and once it is gone another may take over.
    assert.equal((await fetch(`${first.url}/readyz`)).status, 200);
    await first.kill();
    const next = await ServerProcess.start({ DATABASE_URL: first.databaseUrl });
    assert.equal((await fetch(`${next.url}/readyz`)).status, 200);
    await next.dispose();
  } finally {
    await first.dispose();
  }
});
