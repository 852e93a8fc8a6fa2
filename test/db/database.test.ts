import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Database } from "../../src/infrastructure/db/database.js";
import { testDatabaseUrl } from "../helpers/database.js";

const scratch = mkdtempSync(join(tmpdir(), "outpaint-db-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

test("a write outside a transaction persists when a transaction open at the same time rolls back", async () => {
  const db = await Database.open(await testDatabaseUrl(scratch));
  try {
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const failing = db.transaction(async (tx) => {
      await tx.settings.getOrCreate("inside", "rolled back");
      inside();
      await held;
      throw new Error("the transaction fails");
    });
    await entered;
    // A single-statement write, as a job claim or a progress save is.
    const outside = db.apiKeys.create({ id: "key-outside", owner: "o", name: "n", prefix: "p", hash: "h", createdAt: new Date(), lastUsedAt: null, revokedAt: null });
    release();
    await assert.rejects(failing, /the transaction fails/);
    await outside;
    assert.deepEqual((await db.apiKeys.list()).map((key) => key.id), ["key-outside"]);
    assert.equal(await db.settings.get("inside"), null);
  } finally {
    await db.close();
  }
});
