import type { Logger } from "pino";
import type { JobRecord } from "../../core/job.js";
import { settlesWithin } from "../../core/timing.js";
import type { Database } from "../../infrastructure/db/database.js";
import type { WebhookOutbox } from "../webhooks/webhook-outbox.js";
import type { JobExecutor } from "./job-executor.js";
import type { JobQueue } from "./job-queue.js";

/**
 * The embedded queue: the database is the queue (jobs are claimed oldest first by a conditional
 * update), and `concurrency` loops in this process run them. Nothing lives only in memory, so
 * a restart loses nothing: interrupted runs are requeued at start. One process per database
 * (held to on PostgreSQL by PostgresQueueLock): several use Redis (RedisJobQueue).
 */
export class LocalJobQueue implements JobQueue {
  #wake: (() => void) | null = null;
  #wakeSignal: Promise<void> = Promise.resolve();
  #stopping = false;
  #loops: Promise<void>[] = [];

  constructor(
    private readonly db: Database,
    private readonly executor: JobExecutor,
    private readonly outbox: WebhookOutbox,
    private readonly options: { concurrency: number; maxAttempts: number; pollIntervalMs?: number },
    private readonly logger: Logger,
  ) {
    this.#resetWakeSignal();
  }

  async start(): Promise<void> {
    const { recovered, queued } = await this.db.transaction(async (tx) => {
      const recovered = await tx.jobs.recoverInterrupted(this.options.maxAttempts, new Date());
      let queued = false;
      for (const id of [...recovered.failed, ...recovered.cancelled]) {
        queued = (await this.outbox.recordJobEnded(tx, (await tx.jobs.find(id))!)) || queued;
      }
      return { recovered, queued };
    });
    if (queued) this.outbox.notifyQueued();
    if (recovered.requeued.length + recovered.failed.length + recovered.cancelled.length > 0) {
      this.logger.warn(recovered, "recovered jobs interrupted by the previous shutdown");
    }
    for (let i = 0; i < this.options.concurrency; i++) this.#loops.push(this.#loop());
  }

  submitted(): void {
    this.#wake?.();
  }

  cancelRunning(jobId: string, timeoutMs: number): Promise<boolean> {
    return this.executor.cancel(jobId, timeoutMs);
  }

  /** Stops claiming; lets running jobs finish for `graceMs`, then hands the rest back to the queue. */
  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.executor.stop(graceMs);
    await Promise.all(this.#loops);
  }

  async #loop(): Promise<void> {
    while (!this.#stopping) {
      let job: JobRecord | null;
      try {
        job = await this.db.jobs.claimNext(new Date());
      } catch (error) {
        this.logger.error({ err: error }, "could not claim a job; retrying");
        await this.#idle();
        continue;
      }
      if (!job) {
        await this.#idle();
        continue;
      }
      await this.executor.execute(job);
    }
  }

  /** Waits for new work: a submitted() from this process, or the poll interval as a safety net. */
  async #idle(): Promise<void> {
    await settlesWithin(this.#wakeSignal, this.options.pollIntervalMs ?? 1000);
  }

  #resetWakeSignal(): void {
    this.#wakeSignal = new Promise<void>((resolve) => {
      this.#wake = () => {
        resolve();
        this.#resetWakeSignal();
      };
    });
  }
}
