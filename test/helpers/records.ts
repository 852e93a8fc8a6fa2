import type { ImageRecord } from "../../src/core/image.js";
import type { JobRecord } from "../../src/core/job.js";
import type { TuneRecord } from "../../src/core/tune.js";
import type { Database } from "../../src/infrastructure/db/database.js";
import type { NewJob } from "../../src/infrastructure/db/job.repository.js";
import type { NewTune } from "../../src/infrastructure/db/tune.repository.js";

/** Inserts a base tune titled "t" on the CPU fill, the default one, unless `fields` say otherwise. */
export function insertBaseTune(db: Database, fields: Pick<NewTune, "id"> & Partial<NewTune>, now: Date): Promise<TuneRecord> {
  return db.tunes.create({ title: "t", kind: "BASE", backend: "CPU_FILL", baseTuneId: null, ownerId: null, isDefault: true, ...fields }, now);
}

/** Records a 64x48 PNG image of 10 bytes of owner "o". */
export function insertImage(db: Database, fields: Pick<ImageRecord, "id" | "sha256">, now: Date): Promise<ImageRecord> {
  return db.images.findOrCreate({ ownerId: "o", format: "PNG", width: 64, height: 48, bytes: 10, createdAt: now, ...fields });
}

/** Inserts a queued job of owner "o": a 64x48 original on its own canvas, filled with EDGE, unless `fields` say otherwise. */
export function insertJob(db: Database, fields: Pick<NewJob, "id" | "tuneId"> & Partial<NewJob>): Promise<JobRecord> {
  const placement = { canvasWidth: 64, canvasHeight: 48, x: 0, y: 0, width: 64, height: 48 };
  const spec = { placement, passes: [placement], infill: "EDGE" as const, blur: 4, seed: 7, outputFormat: "PNG" as const, prompt: null, negativePrompt: null, steps: 28, guidance: 30, scheduler: "euler", strength: 1 };
  const job: NewJob = {
    ownerId: "o",
    promptId: null,
    width: 64,
    height: 48,
    inputImageId: null,
    spec,
    callbackUrl: null,
    callbackFormat: "STANDARD",
    clientTaskId: null,
    createdAt: new Date("2026-12-03T10:00:00.000Z"),
    ...fields,
  };
  return db.transaction((tx) => tx.jobs.create(job));
}
