import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "pino";
import type { JobRecord } from "../../core/job.js";
import { settlesWithin } from "../../core/timing.js";
import type { Database } from "../../db/database.js";
import type { WebhookOutbox } from "../webhooks/webhook-outbox.js";
import type { AbortReason, JobRunner } from "./job-runner.js";
import type { JobQueue } from "./job-queue.js";

interface RunningJob {
  controller: AbortController;
  ended: Promise<void>;
}

/** How long a cancel for a job that is being claimed but not yet registered is remembered. */
const EARLY_CANCEL_MS = 30_000;

/**
 * The embedded queue: the database is the queue (jobs are claimed oldest first by a conditional
 * update), and `concurrency` loops in this process run them. Nothing lives only in memory, so
 * a restart loses nothing: interrupted runs are requeued at start.
 */
export class LocalJobQueue implements JobQueue {
  readonly #running = new Map<string, RunningJob>();
  readonly #earlyCancels = new Map<string, number>();
  #wake: (() => void) | null = null;
  #wakeSignal: Promise<void> = Promise.resolve();
  #stopping = false;
  #loops: Promise<void>[] = [];

  constructor(
    private readonly db: Database,
    private readonly runner: JobRunner,
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

  notify(): void {
    this.#wake?.();
  }

  get runningCount(): number {
    return this.#running.size;
  }

  async cancelRunning(jobId: string, timeoutMs: number): Promise<boolean> {
    const running = this.#running.get(jobId);
    if (!running) {
      this.#earlyCancels.set(jobId, Date.now() + EARLY_CANCEL_MS);
      // The claim may be in flight: give the loop a moment to register it, then wait for it.
      await delay(50);
      const late = this.#running.get(jobId);
      return late ? this.#waitFor(late, timeoutMs) : true;
    }
    running.controller.abort("cancel" satisfies AbortReason);
    return this.#waitFor(running, timeoutMs);
  }

  /** Stops claiming; lets running jobs finish for `graceMs`, then hands the rest back to the queue. */
  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    this.notify();
    const finished = Promise.all([...this.#running.values()].map((job) => job.ended));
    if (!(await settlesWithin(finished, graceMs))) {
      for (const job of this.#running.values()) job.controller.abort("shutdown" satisfies AbortReason);
    }
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
      await this.#execute(job);
    }
  }

  async #execute(job: JobRecord): Promise<void> {
    const controller = new AbortController();
    let markEnded!: () => void;
    const ended = new Promise<void>((resolve) => (markEnded = resolve));
    this.#running.set(job.id, { controller, ended });
    const early = this.#earlyCancels.get(job.id);
    this.#earlyCancels.delete(job.id);
    if (job.cancelRequested || (early !== undefined && early > Date.now())) controller.abort("cancel" satisfies AbortReason);
    try {
      await this.runner.run(job, controller.signal);
    } catch (error) {
      this.logger.error({ err: error, jobId: job.id }, "job runner failed unexpectedly");
    } finally {
      this.#running.delete(job.id);
      markEnded();
    }
  }

  #waitFor(running: RunningJob, timeoutMs: number): Promise<boolean> {
    return settlesWithin(running.ended, timeoutMs);
  }

  /** Waits for new work: a notify() from this process, or the poll interval as a safety net. */
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
