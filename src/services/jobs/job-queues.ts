import type { Logger } from "pino";
import type { Backend } from "../../core/tune.js";
import type { Settings } from "../../infrastructure/config/settings.js";
import type { Database } from "../../infrastructure/db/database.js";
import type { RedisChannels } from "../../infrastructure/events/redis-channels.js";
import type { AppEvents } from "../../infrastructure/events/topics.js";
import type { WebhookOutbox } from "../webhooks/webhook-outbox.js";
import type { JobExecutor } from "./job-executor.js";
import type { JobQueue } from "./job-queue.js";
import { LocalJobQueue } from "./local-job-queue.js";
import { RedisJobQueue } from "./redis-job-queue.js";
import { RedisJobWorker } from "./redis-job-worker.js";

/** The queue jobs are submitted to, and the worker side that runs them in this process (if it runs any). */
export interface OpenJobQueue {
  queue: JobQueue;
  /** Starts taking jobs (a worker or the embedded process); an API-only process takes none. */
  start(): Promise<void>;
  /** Stops taking jobs, lets running ones finish for `graceMs`, then hands the rest back. */
  stop(graceMs: number): Promise<void>;
}

/**
 * Without Redis the database is the queue and this process runs its jobs. With Redis, jobs go to
 * BullMQ; API-only processes (ROLE=serve) produce, worker processes also consume.
 */
export function openJobQueue(
  settings: Settings,
  deps: {
    db: Database;
    executor: JobExecutor;
    events: AppEvents;
    outbox: WebhookOutbox;
    channels: RedisChannels | null;
    /** The backends this process can run (a worker takes only their jobs). */
    runnable: readonly Backend[];
  },
  logger: Logger,
): OpenJobQueue {
  const { db, executor, events, outbox, channels, runnable } = deps;
  if (!settings.redisUrl || !channels) {
    const local = new LocalJobQueue(db, executor, outbox, { concurrency: settings.jobConcurrency, maxAttempts: settings.maxJobAttempts }, logger);
    return { queue: local, start: () => local.start(), stop: (graceMs) => local.stop(graceMs) };
  }
  const redis = { url: settings.redisUrl, prefix: settings.queuePrefix };
  const producer = new RedisJobQueue(redis, db, events, channels, logger);
  const worker =
    settings.role === "serve"
      ? null
      : new RedisJobWorker(
          redis,
          db,
          producer,
          executor,
          events,
          outbox,
          channels,
          { backends: runnable, concurrency: settings.jobConcurrency, maxAttempts: settings.maxJobAttempts, lockMs: settings.queueLockMs },
          logger,
        );
  return {
    queue: producer,
    start: async () => worker?.start(),
    async stop(graceMs) {
      await worker?.stop(graceMs);
      await producer.close();
      await channels.close();
    },
  };
}
