import { join } from "node:path";
import { BACKENDS } from "../core/tune.js";
import type { Logger } from "pino";
import { SettingsError, type Settings } from "../infrastructure/config/settings.js";
import { Database } from "../infrastructure/db/database.js";
import { acquireQueueLock, type QueueLock } from "../infrastructure/db/queue-lock.js";
import { ImageStore } from "../infrastructure/media/image-store.js";
import type { EngineStats } from "../infrastructure/native/outpaint-engine.js";
import { AstriaService } from "./astria.service.js";
import { BackendPool } from "../infrastructure/native/backend-pool.js";
import { createEvents, type AppEvents } from "../infrastructure/events/topics.js";
import { ImageLinks } from "./images/image-links.js";
import { ImageService } from "./images/image.service.js";
import { UrlFetcher } from "../infrastructure/net/url-fetcher.js";
import { JobRunner } from "./jobs/job-runner.js";
import { AddressPolicy } from "../infrastructure/net/address-policy.js";
import { KeyService } from "./key.service.js";
import { JobService } from "./jobs/job.service.js";
import { JobExecutor } from "./jobs/job-executor.js";
import { openJobQueue } from "./jobs/job-queues.js";
import { RelayedEventBus } from "../infrastructure/events/relayed-events.js";
import { RedisChannels } from "../infrastructure/events/redis-channels.js";
import { Maintenance } from "./maintenance.js";
import { Metrics } from "../infrastructure/metrics/metrics.js";
import { PromptService } from "./prompt.service.js";
import { RunwareService } from "./runware/runware.service.js";
import { TuneService } from "./tune.service.js";
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
  runware: RunwareService;
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
  let opened: { db: Database; queueLock: QueueLock | null };
  try {
    opened = await openDatabase(settings, logger);
  } catch (error) {
    backends.close();
    throw error;
  }
  const { db, queueLock } = opened;
  const metrics = new Metrics();
  const channels = settings.redisUrl ? await RedisChannels.connect(settings.redisUrl, `${settings.queuePrefix}:`, logger) : null;
  const events: AppEvents = channels ? await RelayedEventBus.start(channels) : createEvents();
  const keys = new KeyService(db);
  // An API-only node accepts every backend's jobs: the workers that run them say whether they can.
  const tunes = new TuneService(db, (backend) => (settings.role === "serve" ? [] : backends.missing(backend)), keys);
  await tunes.ensureDefault();
  const store = new ImageStore(join(settings.dataDir, "images"));
  const fetcher = new UrlFetcher({ maxBytes: settings.maxUploadBytes, timeoutMs: settings.urlFetchTimeoutMs, maxRedirects: 3 }, addresses);
  const links = await ImageLinks.open(db, settings.imageLinkTtlMs);
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
  const runnable = BACKENDS.filter((backend) => backends.missing(backend).length === 0);
  const queue = openJobQueue(settings, { db, executor, events, outbox, channels, runnable }, logger);
  const jobs = new JobService(db, tunes, images, events, queue.queue, outbox, {
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
    astria: new AstriaService(db, prompts, links, tunes),
    runware: new RunwareService(jobs, images, tunes, logger),
    runningJobs: () => executor.runningCount,
    metrics,
    engineStats: () => backends.stats(),
    async startWork(origin) {
      outbox.setOrigin(origin);
      await queue.start();
      dispatcher.start();
      if (settings.role !== "worker") maintenance.start();
    },
    async close(graceMs) {
      await queue.stop(graceMs);
      await dispatcher.stop();
      await maintenance.stop();
      metrics.close();
      backends.close();
      await queueLock?.release();
      await db.close();
    },
  };
}

/**
 * The database, migrated. Without Redis it is also the job queue, which one process runs: a lock
 * (queue-lock.ts) holds that, and a second process is refused.
 */
async function openDatabase(settings: Settings, logger: Logger): Promise<{ db: Database; queueLock: QueueLock | null }> {
  const db = await Database.open(settings.databaseUrl, { poolSize: settings.databasePoolSize });
  const queueLock = settings.redisUrl ? null : await acquireQueueLock(settings.databaseUrl);
  if (!settings.redisUrl && !queueLock) {
    await db.close();
    const remedy =
      db.kind === "postgresql"
        ? "several processes on one PostgreSQL database need REDIS_URL (docs/deployment.md)"
        : "on SQLite one process serves a data directory; several processes need PostgreSQL and REDIS_URL (docs/deployment.md)";
    throw new SettingsError([
      `Expected this process to be the only one using the database as its job queue, but another process already runs one on it: ${remedy}`,
    ]);
  }
  if (db.migrations.applied.length > 0) logger.info({ migrations: db.migrations.applied }, "applied database migrations");
  if (db.migrations.modified.length > 0) {
    logger.warn({ migrations: db.migrations.modified }, "migrations changed after they were applied");
  }
  return { db, queueLock };
}

function addressPolicyOf(settings: Settings): AddressPolicy {
  try {
    return new AddressPolicy(settings.urlFetchAllow);
  } catch (error) {
    throw new SettingsError([`${(error as Error).message} (URL_FETCH_ALLOW)`]);
  }
}
