import { join } from "node:path";
import type { Logger } from "pino";
import type { Settings } from "../config/settings.js";
import type { Backend } from "../core/tune.js";
import { Database } from "../db/database.js";
import { ImageStore } from "../images/image-store.js";
import { FillEngine } from "../native/fill-engine.js";
import { createEvents, type AppEvents } from "./events/topics.js";
import { ImageService } from "./images/image.service.js";
import { JobRunner } from "./jobs/job-runner.js";
import { JobService } from "./jobs/job.service.js";
import { LocalJobQueue } from "./jobs/local-job-queue.js";
import { PromptService } from "./prompts/prompt.service.js";
import { TuneService } from "./tunes/tune.service.js";

/** Everything the API and the worker use, created once per process and closed in reverse order. */
export interface Services {
  events: AppEvents;
  tunes: TuneService;
  images: ImageService;
  jobs: JobService;
  prompts: PromptService;
  queue: LocalJobQueue;
  /** Stops taking work, lets running jobs finish for `graceMs` (then hands them back), closes everything. */
  close(graceMs: number): Promise<void>;
}

export async function startServices(settings: Settings, logger: Logger): Promise<Services> {
  const engine = FillEngine.open({ threads: settings.fillThreads });
  const db = await Database.open(settings.databaseUrl);
  if (db.migrations.applied.length > 0) logger.info({ migrations: db.migrations.applied }, "applied database migrations");
  if (db.migrations.modified.length > 0) {
    logger.warn({ migrations: db.migrations.modified }, "migrations changed after they were applied");
  }
  const availableBackends: Backend[] = ["CPU_FILL"];
  const events = createEvents();
  const tunes = new TuneService(db, availableBackends);
  await tunes.ensureDefault();
  const images = new ImageService(db, new ImageStore(join(settings.dataDir, "images")), settings.maxUploadBytes);
  const runner = new JobRunner(db, images, engine, events, logger);
  const queue = new LocalJobQueue(
    db,
    runner,
    { concurrency: settings.jobConcurrency, maxAttempts: settings.maxJobAttempts },
    logger,
  );
  const jobs = new JobService(db, tunes, images, events, queue);
  const prompts = new PromptService(db, tunes, images, jobs, events);
  await queue.start();

  return {
    events,
    tunes,
    images,
    jobs,
    prompts,
    queue,
    async close(graceMs) {
      await queue.stop(graceMs);
      engine.close();
      await db.close();
    },
  };
}
