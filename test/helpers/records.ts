import type { JobRecord } from "../../src/core/job.js";
import type { Database } from "../../src/infrastructure/db/database.js";
import type { NewJob } from "../../src/infrastructure/db/job.repository.js";

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
