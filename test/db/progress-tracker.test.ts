import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Database } from "../../src/infrastructure/db/database.js";
import { createEvents } from "../../src/infrastructure/events/topics.js";
import { ImageLinks } from "../../src/services/images/image-links.js";
import { ProgressTracker } from "../../src/services/jobs/progress-tracker.js";
import { WebhookOutbox } from "../../src/services/webhooks/webhook-outbox.js";
import { testDatabaseUrl } from "../helpers/database.js";
import { insertBaseTune, insertImage, insertJob } from "../helpers/records.js";

const scratch = mkdtempSync(join(tmpdir(), "outpaint-progress-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

test("the generate stage's image and transformer are written with the attempt's progress and kept by its end", async () => {
  const db = await Database.open(await testDatabaseUrl(scratch));
  try {
    const now = new Date("2026-12-03T10:00:00.000Z");
    const tune = await insertBaseTune(db, { id: "tune" }, now);
    const image = await insertImage(db, { id: "generated", sha256: "ef".repeat(32) }, now);
    await insertJob(db, { id: "job", tuneId: tune.id });
    const claimed = await db.jobs.claim("job", new Date());
    assert.ok(claimed);
    const tracker = new ProgressTracker(claimed, db, createEvents(), new WebhookOutbox(await ImageLinks.open(db, 0)));
    tracker.generated(image.id, "flux1-dev");
    assert.ok(await tracker.finish({ status: "SUCCEEDED", resultImageId: image.id }));
    const ended = await db.jobs.find("job");
    assert.deepEqual([ended?.status, ended?.generatedImageId, ended?.generator, ended?.previewImageId], ["SUCCEEDED", "generated", "flux1-dev", "generated"]);
  } finally {
    await db.close();
  }
});
