import { join } from "node:path";
import type { Logger } from "pino";
import { SettingsError, type Settings } from "../config/settings.js";
import { Database } from "../db/database.js";
import { PostgresQueueLock } from "../db/postgres-queue-lock.js";
import { ImageStore } from "../images/image-store.js";
import type { EngineStats } from "../native/fill-engine.js";
import { AstriaService } from "./astria/astria.service.js";
import { BackendPool } from "./backends/backend-pool.js";
import { createEvents, type AppEvents } from "./events/topics.js";
import { ImageLinks } from "./images/image-links.js";
import { ImageService } from "./images/image.service.js";
import { UrlFetcher } from "./images/url-fetcher.js";
import { JobRunner } from "./jobs/job-runner.js";
import { AddressPolicy } from "./net/address-policy.js";
import { KeyService } from "./keys/key.service.js";
import { JobService } from "./jobs/job.service.js";
import { JobExecutor } from "./jobs/job-executor.js";
import type { JobQueue } from "./jobs/job-queue.js";
import { LocalJobQueue } from "./jobs/local-job-queue.js";
import { RedisJobQueue } from "./jobs/redis-job-queue.js";
import { RedisJobWorker } from "./jobs/redis-job-worker.js";
import { RelayedEventBus } from "./events/relayed-events.js";
import { RedisChannels } from "./redis/redis-channels.js";
import { Maintenance } from "./maintenance/maintenance.js";
import { Metrics } from "./metrics/metrics.js";
import { PromptService } from "./prompts/prompt.service.js";
import { TuneService } from "./tunes/tune.service.js";
import { WebhookService } from "./webhooks/webhook.service.js";
import { WebhookDispatcher } from "./webhooks/webhook-dispatcher.js";
import { WebhookOutbox } from "./webhooks/webhook-outbox.js";
import { resolveWebhookSecret } from "./webhooks/webhook-secret.js";

const MAINTENANCE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Everything the API and the worker use, created once per process and closed in reverse order.
 * Without Redis one process does everything (the database is the queue); with Redis, API
 * processes hand jobs to BullMQ and worker processes run them, events crossing through Redis.
 */
export interface Services {
  events: AppEvents;
  keys: KeyService;
  tunes: TuneService;
  images: ImageService;
  jobs: JobService;
  prompts: PromptService;
  webhooks: WebhookService;
  astria: AstriaService;
  /** Jobs running in this process. */
  runningJobs(): number;
  metrics: Metrics;
  engineStats(): EngineStats;
  /** Starts running jobs, delivering webhooks and housekeeping; `origin` is where clients reach the server. */
  startWork(origin: string): Promise<void>;
  /** Stops taking work, lets running jobs finish for `graceMs` (then hands them back), closes everything. */
  close(graceMs: number): Promise<void>;
}

export async function startServices(settings: Settings, logger: Logger): Promise<Services> {
  // First, so a bad URL_FETCH_ALLOW entry stops the start before anything is opened.
  const addresses = addressPolicyOf(settings);
  const backends = BackendPool.open({ fillThreads: settings.fillThreads, modelsDir: settings.modelsDir }, logger);
  const db = await Database.open(settings.databaseUrl, { poolSize: settings.databasePoolSize });
  const needsQueueLock = !settings.redisUrl && db.kind === "postgresql";
  const queueLock = needsQueueLock ? await PostgresQueueLock.acquire(settings.databaseUrl) : null;
  if (needsQueueLock && !queueLock) {
    await db.close();
    backends.close();
    throw new SettingsError([
      "Expected this process to be the only one using the database as its job queue, but another process already runs one on it: several processes on one PostgreSQL database need REDIS_URL (docs/deployment.md)",
    ]);
  }
  if (db.migrations.applied.length > 0) logger.info({ migrations: db.migrations.applied }, "applied database migrations");
  if (db.migrations.modified.length > 0) {
    logger.warn({ migrations: db.migrations.modified }, "migrations changed after they were applied");
  }
  const metrics = new Metrics();
  const channels = settings.redisUrl ? await RedisChannels.connect(settings.redisUrl, `${settings.queuePrefix}:`, logger) : null;
  const events: AppEvents = channels ? await RelayedEventBus.start(channels) : createEvents();
  const keys = new KeyService(db);
  // An API-only node accepts every backend's jobs: the workers that run them say whether they can.
  const tunes = new TuneService(db, (backend) => (settings.role === "serve" ? [] : backends.missing(backend)), keys);
  await tunes.ensureDefault();
  const store = new ImageStore(join(settings.dataDir, "images"));
  const fetcher = new UrlFetcher({ maxBytes: settings.maxUploadBytes, timeoutMs: settings.urlFetchTimeoutMs, maxRedirects: 3 }, addresses);
  const links = await ImageLinks.open(db);
  const images = new ImageService(db, store, fetcher, settings.maxUploadBytes, links);
  const outbox = new WebhookOutbox(links);
  const secret = await resolveWebhookSecret(settings, db);
  const dispatcher = new WebhookDispatcher(
    db,
    secret,
    {
      timeoutMs: settings.webhookTimeoutMs,
      maxAttempts: settings.webhookMaxAttempts,
      retryBaseMs: settings.webhookRetryBaseMs,
      retryMaxMs: settings.webhookRetryMaxMs,
    },
    logger,
    addresses,
    metrics,
  );
  outbox.onQueued(() => dispatcher.notify());
  const runner = new JobRunner(db, images, backends, events, outbox, logger, metrics);
  const executor = new JobExecutor(runner, logger);
  const runsJobs = settings.role !== "serve";
  let queue: JobQueue;
  let startQueue: () => Promise<void>;
  let stopQueue: (graceMs: number) => Promise<void>;
  if (settings.redisUrl && channels) {
    const redis = { url: settings.redisUrl, prefix: settings.queuePrefix };
    const producer = new RedisJobQueue(redis, db, events, channels, logger);
    const worker = runsJobs
      ? new RedisJobWorker(redis, db, producer, executor, events, outbox, channels, {
          concurrency: settings.jobConcurrency,
          maxAttempts: settings.maxJobAttempts,
          lockMs: settings.queueLockMs,
        }, logger)
      : null;
    queue = producer;
    startQueue = async () => worker?.start();
    stopQueue = async (graceMs) => {
      await worker?.stop(graceMs);
      await producer.close();
      await channels.close();
    };
  } else {
    const local = new LocalJobQueue(db, executor, outbox, { concurrency: settings.jobConcurrency, maxAttempts: settings.maxJobAttempts }, logger);
    queue = local;
    startQueue = () => local.start();
    stopQueue = (graceMs) => local.stop(graceMs);
  }
  const jobs = new JobService(db, tunes, images, events, queue, outbox, {
    maxExtendPerPass: settings.maxExtendPerPass,
    activeJobLimit: async () => ((await keys.required()) ? settings.maxActiveJobsPerOwner : 0),
    vetCallbackUrl: (url, field) => addresses.vetUrl(url, field),
  });
  const prompts = new PromptService(db, tunes, images, jobs, events);
  const webhooks = new WebhookService(db);
  metrics.readStateFrom({
    jobsByStatus: () => jobs.countByStatus(),
    pendingWebhooks: () => db.webhooks.countPending(),
    runningLocal: () => executor.runningCount,
    engine: () => backends.stats(),
  });
  const maintenance = new Maintenance(db, store, { retentionMs: settings.retentionMs, intervalMs: MAINTENANCE_INTERVAL_MS }, logger);

  return {
    events,
    keys,
    tunes,
    images,
    jobs,
    prompts,
    webhooks,
    astria: new AstriaService(db, prompts, links),
    runningJobs: () => executor.runningCount,
    metrics,
    engineStats: () => backends.stats(),
    async startWork(origin) {
      outbox.setOrigin(origin);
      await startQueue();
      dispatcher.start();
      if (settings.role !== "worker") maintenance.start();
    },
    async close(graceMs) {
      await stopQueue(graceMs);
      await dispatcher.stop();
      await maintenance.stop();
      metrics.close();
      backends.close();
      await queueLock?.release();
      await db.close();
    },
  };
}

function addressPolicyOf(settings: Settings): AddressPolicy {
  try {
    return new AddressPolicy(settings.urlFetchAllow);
  } catch (error) {
    throw new SettingsError([`${(error as Error).message} (URL_FETCH_ALLOW)`]);
  }
}
