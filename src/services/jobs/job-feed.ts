import { isTerminal, type JobRecord } from "../../core/job.js";
import type { Subscription } from "../events/event-bus.js";

/**
 * The live view of one job: its current state, then every newer snapshot, ending after the
 * final state. Snapshots already covered by the current state (by revision) are skipped.
 */
export class JobFeed implements AsyncIterableIterator<JobRecord> {
  #pending: JobRecord | null;
  #revision: number;
  #done = false;

  constructor(
    current: JobRecord,
    private readonly updates: Subscription<JobRecord>,
  ) {
    this.#pending = current;
    this.#revision = current.revision;
  }

  async next(): Promise<IteratorResult<JobRecord>> {
    if (this.#pending) {
      const job = this.#pending;
      this.#pending = null;
      this.#finishIfTerminal(job);
      return { value: job, done: false };
    }
    while (!this.#done) {
      const { value: job, done } = await this.updates.next();
      if (done) break;
      if (job.revision <= this.#revision) continue;
      this.#revision = job.revision;
      this.#finishIfTerminal(job);
      return { value: job, done: false };
    }
    this.updates.close();
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<JobRecord>> {
    this.#done = true;
    this.updates.close();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #finishIfTerminal(job: JobRecord): void {
    if (isTerminal(job.status)) {
      this.#done = true;
      this.updates.close();
    }
  }
}
