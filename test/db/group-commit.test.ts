import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Database } from "../../src/infrastructure/db/database.js";
import { GroupCommit } from "../../src/infrastructure/db/group-commit.js";
import { testDatabaseUrl } from "../helpers/database.js";

const scratch = mkdtempSync(join(tmpdir(), "outpaint-group-commit-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

test("units that arrive together share one transaction; one that throws rejects alone, the others commit", async () => {
  const db = await Database.open(await testDatabaseUrl(scratch));
  try {
    let transactions = 0;
    const counting = new Proxy(db, {
      get: (target, key) => (key === "transaction" ? (work: never) => (transactions++, target.transaction(work)) : Reflect.get(target, key)),
    });
    const grouped = new GroupCommit(counting as Database);
    const units = Array.from({ length: 20 }, (_, i) =>
      grouped.run(async (tx) => {
        if (i === 7) throw new Error("unit 7 refuses");
        await tx.settings.getOrCreate(`key-${i}`, `value-${i}`);
        return i;
      }),
    );
    const outcomes = await Promise.allSettled(units);
    assert.deepEqual(
      outcomes.map((outcome) => (outcome.status === "fulfilled" ? outcome.value : (outcome.reason as Error).message)),
      Array.from({ length: 20 }, (_, i) => (i === 7 ? "unit 7 refuses" : i)),
    );
    // The group of 20 was rolled back once for unit 7 and the other 19 committed together.
    assert.equal(transactions, 2);
    for (let i = 0; i < 20; i++) assert.equal(await db.settings.get(`key-${i}`), i === 7 ? null : `value-${i}`);

    // A lone unit runs in a transaction of its own and resolves with its value.
    assert.equal(await grouped.run(async (tx) => (await tx.settings.getOrCreate("alone", "yes"), "done")), "done");
    assert.equal(transactions, 3);
    assert.equal(await db.settings.get("alone"), "yes");
  } finally {
    await db.close();
  }
});
