import { DelayedError, Worker, type Job } from "bullmq";
import type { Logger } from "pino";
import { isTerminal, type JobRecord } from "../../core/job.js";
import type { Database } from "../../infrastructure/db/database.js";
import { publishJob, type AppEvents } from "../../infrastructure/events/topics.js";
import type { RedisChannels } from "../../infrastructure/events/redis-channels.js";
import type { WebhookOutbox } from "../webhooks/webhook-outbox.js";
import type { JobExecutor } from "./job-executor.js";
import type { Backend } from "../../core/tune.js";
import { CANCEL_CHANNEL, queueName, type QueuedJobData, type RedisJobQueue, type RedisQueueConnection } from "./redis-job-queue.js";

export interface RedisWorkerOptions {
  /** The backends this process can run: it takes jobs from their queues only. */
  backends: readonly Backend[];
  concurrency: number;
  maxAttempts: number;
  /** A worker that does not renew a job's lock for this long is taken for dead; its job goes to another. */
  lockMs: number;
  /** How often the database and Redis are compared, to hand Redis jobs it lost. */
  reconcileIntervalMs?: number;
}

/**
 * The distributed queue's worker side: takes job ids from BullMQ and runs them. The database
 * decides who owns a run (attempt numbers), so a job BullMQ hands out twice (its first worker
 * died, or stalled past its lock) is taken over and can end only once.
 */
export class RedisJobWorker {
  #workers: Worker<QueuedJobData>[] = [];
  #reconciler: NodeJS.Timeout | null = null;
  #reconciling: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: RedisQueueConnection,
    private readonly db: Database,
    private readonly producer: RedisJobQueue,
    private readonly executor: JobExecutor,
    private readonly events: AppEvents,
    private readonly outbox: WebhookOutbox,
    private readonly channels: RedisChannels,
    private readonly options: RedisWorkerOptions,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.channels.on(CANCEL_CHANNEL, (message) => {
      void this.executor.cancel((message as { jobId: string }).jobId, 0);
    });
    // Each backend's queue has its own consumer; concurrency is per backend, as each runs on its own engine.
    this.#workers = this.options.backends.map((backend) => {
      const worker = new Worker<QueuedJobData>(queueName(backend), (job, token) => this.#process(job, token), {
        connection: { url: this.redis.url },
        prefix: this.redis.prefix,
        concurrency: this.options.concurrency,
        lockDuration: this.options.lockMs,
        stalledInterval: Math.max(500, Math.floor(this.options.lockMs / 2)),
        // The database counts attempts and fails a job past its limit; BullMQ must not drop it first.
        maxStalledCount: this.options.maxAttempts + 1,
      });
      worker.on("error", (error) => this.logger.warn({ err: error, backend }, "job worker connection error"));
      return worker;
    });
    this.logger.info({ backends: this.options.backends }, "taking jobs of these backends");
    const interval = this.options.reconcileIntervalMs ?? Math.min(60_000, this.options.lockMs * 2);
    this.#reconciling = this.reconcile(0);
    this.#reconciler = setInterval(() => {
      this.#reconciling = this.#reconciling.then(() => this.reconcile(interval));
    }, interval);
  }

  /**
   * Hands Redis every queued or running job it does not hold (lost between commit and hand-over,
   * or dropped by Redis), among those unchanged for `quietMs`.
   */
  async reconcile(quietMs: number): Promise<void> {
    try {
      let requeued = 0;
      const before = new Date(Date.now() - quietMs);
      for (let afterId = ""; ; ) {
        const page = await this.db.jobs.listActiveSince(before, afterId, 500);
        for (const { id, backend } of page) if (await this.producer.requeueIfMissing(id, backend)) requeued++;
        if (page.length < 500) break;
        afterId = page.at(-1)!.id;
      }
      if (requeued > 0) this.logger.warn({ requeued }, "handed Redis jobs it did not hold");
    } catch (error) {
      this.logger.warn({ err: error }, "queue reconciliation failed; will retry");
    }
  }

  async #process(entry: Job<QueuedJobData>, token: string | undefined): Promise<void> {
    const job = await this.#take(entry.data.jobId);
    if (!job) return;
    const aborted = await this.executor.execute(job);
    if (aborted === "shutdown") {
      // Released in the database; back to Redis for the next worker at once.
      await entry.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
  }

  /** Claims the job for a new attempt; null when it has ended or another worker has it. */
  async #take(jobId: string): Promise<JobRecord | null> {
    const now = new Date();
    type Taken = { ended: JobRecord; queued: boolean } | { claimed: JobRecord; interrupted: boolean } | null;
    const outcome = await this.db.transaction(async (tx): Promise<Taken> => {
      const current = await tx.jobs.find(jobId);
      if (!current || isTerminal(current.status)) return null;
      if (current.status === "RUNNING") {
        // Handed out again: the worker that ran it stopped renewing its lock.
        const recovered = await tx.jobs.recoverOne(current, this.options.maxAttempts, now);
        if (recovered === null) return null;
        if (recovered !== "requeued") {
          const ended = (await tx.jobs.find(jobId))!;
          return { ended, queued: await this.outbox.recordJobEnded(tx, ended) };
        }
      }
      const claimed = await tx.jobs.claim(jobId, now);
      return claimed ? { claimed, interrupted: current.status === "RUNNING" } : null;
    });
    if (!outcome) return null;
    if ("ended" in outcome) {
      publishJob(this.events, outcome.ended);
      if (outcome.queued) this.outbox.notifyQueued();
      this.logger.warn({ jobId, status: outcome.ended.status }, "job interrupted on another worker ended");
      return null;
    }
    if (outcome.interrupted) this.logger.warn({ jobId, attempt: outcome.claimed.attempts }, "took over a job interrupted on another worker");
    return outcome.claimed;
  }

  /** Stops taking jobs; lets running ones finish for `graceMs`, then hands them back. */
  async stop(graceMs: number): Promise<void> {
    if (this.#reconciler) clearInterval(this.#reconciler);
    const closing = Promise.all(this.#workers.map((worker) => worker.close()));
    await this.executor.stop(graceMs);
    await closing;
    await this.#reconciling;
  }
}
