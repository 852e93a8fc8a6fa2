import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Database } from "../../src/infrastructure/db/database.js";
import { testDatabaseUrl } from "../helpers/database.js";
import { insertBaseTune, insertImage, insertJob } from "../helpers/records.js";

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

test("a created job's record is the row as read back: every default the schema gives is the one the insert assumes", async () => {
  const db = await Database.open(await testDatabaseUrl(scratch));
  try {
    const now = new Date("2026-12-03T10:00:00.123Z");
    const tune = await insertBaseTune(db, { id: "tune" }, now);
    const image = await insertImage(db, { id: "image", sha256: "ab".repeat(32) }, now);
    const placement = { canvasWidth: 96, canvasHeight: 48, x: 0, y: 0, width: 64, height: 48 };
    const spec = { placement, passes: [placement], infill: "EDGE" as const, blur: 4, seed: 7, outputFormat: "PNG" as const, prompt: "a cat", negativePrompt: null, steps: 50, guidance: 30, scheduler: "euler", strength: 1 };
    const created = await db.transaction((tx) =>
      tx.jobs.create({ id: "job", ownerId: "o", promptId: null, tuneId: tune.id, width: 96, height: 48, inputImageId: image.id, spec, callbackUrl: "https://example.com/hook", callbackFormat: "RUNWARE", clientTaskId: "c985ec13-6aef-4337-8df2-f7e17dd71589", createdAt: now }),
    );
    assert.deepEqual(await db.jobs.find("job"), created);
  } finally {
    await db.close();
  }
});

test("queued jobs are listed for reconciliation with their tune's backend, a page at a time", async () => {
  const db = await Database.open(await testDatabaseUrl(scratch));
  try {
    const now = new Date("2026-12-03T10:00:00.000Z");
    await insertBaseTune(db, { id: "cpu", title: "c" }, now);
    await insertBaseTune(db, { id: "gpu", title: "g", backend: "FLUX_FILL_TRT", isDefault: false }, now);
    for (const [id, tuneId] of [["job-a", "gpu"], ["job-b", "cpu"], ["job-c", "gpu"]] as const) await insertJob(db, { id, tuneId });
    const later = new Date(Date.now() + 60_000);
    assert.deepEqual(await db.jobs.listActiveSince(later, "", 2), [
      { id: "job-a", backend: "FLUX_FILL_TRT" },
      { id: "job-b", backend: "CPU_FILL" },
    ]);
    assert.deepEqual(await db.jobs.listActiveSince(later, "job-b", 2), [{ id: "job-c", backend: "FLUX_FILL_TRT" }]);
  } finally {
    await db.close();
  }
});
