import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "pino";
import type { JobRecord } from "../../core/job.js";
import { settlesWithin } from "../../core/timing.js";
import type { AbortReason, JobRunner } from "./job-runner.js";

interface RunningJob {
  controller: AbortController;
  ended: Promise<void>;
}

/** How long a cancel for a job that is being claimed but not yet registered is remembered. */
const EARLY_CANCEL_MS = 30_000;

/**
 * The runs of one process, whichever queue claimed them: each can be cancelled, and at
 * shutdown they get a grace period to finish before they are handed back.
 */
export class JobExecutor {
  readonly #running = new Map<string, RunningJob>();
  readonly #earlyCancels = new Map<string, number>();

  constructor(
    private readonly runner: JobRunner,
    private readonly logger: Logger,
  ) {}

  get runningCount(): number {
    return this.#running.size;
  }

  /** Runs a claimed attempt to its end; resolves with why it was aborted, if it was. */
  async execute(job: JobRecord): Promise<AbortReason | null> {
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
    return controller.signal.aborted ? (controller.signal.reason as AbortReason) : null;
  }

  /**
   * Asks the run of `jobId` to stop and waits (up to `timeoutMs`) until it has ended. A job not
   * running here yet (its claim may be in flight) is remembered and stopped when it starts.
   */
  async cancel(jobId: string, timeoutMs: number): Promise<boolean> {
    const running = this.#running.get(jobId);
    if (!running) {
      this.#earlyCancels.set(jobId, Date.now() + EARLY_CANCEL_MS);
      // The claim may be in flight: give it a moment to register, then wait for it.
      await delay(50);
      const late = this.#running.get(jobId);
      return late ? settlesWithin(late.ended, timeoutMs) : true;
    }
    running.controller.abort("cancel" satisfies AbortReason);
    return settlesWithin(running.ended, timeoutMs);
  }

  /** Lets running jobs finish for `graceMs`, then aborts the rest so they are handed back; waits for all. */
  async stop(graceMs: number): Promise<void> {
    const all = () => Promise.all([...this.#running.values()].map((job) => job.ended));
    if (!(await settlesWithin(all(), graceMs))) {
      for (const job of this.#running.values()) job.controller.abort("shutdown" satisfies AbortReason);
    }
    await all();
  }
}
