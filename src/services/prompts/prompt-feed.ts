import { aggregateStatus, isTerminal, type JobRecord, type JobStatus } from "../../core/job.js";
import type { PromptRecord } from "../../core/prompt.js";
import type { Subscription } from "../events/event-bus.js";

/**
 * The live view of a prompt: the prompt now, then again whenever one of its jobs changes
 * status, ending once every job has ended.
 */
export class PromptFeed implements AsyncIterableIterator<PromptRecord> {
  readonly #statuses: Map<string, JobStatus>;
  #announced = false;
  #done = false;

  constructor(
    private readonly prompt: PromptRecord,
    jobs: JobRecord[],
    private readonly updates: Subscription<JobRecord>,
  ) {
    this.#statuses = new Map(jobs.map((job) => [job.id, job.status]));
  }

  async next(): Promise<IteratorResult<PromptRecord>> {
    if (!this.#announced) {
      this.#announced = true;
      this.#finishIfEnded();
      return { value: this.prompt, done: false };
    }
    while (!this.#done) {
      const { value: job, done } = await this.updates.next();
      if (done) break;
      if (this.#statuses.get(job.id) === job.status) continue;
      this.#statuses.set(job.id, job.status);
      this.#finishIfEnded();
      return { value: this.prompt, done: false };
    }
    this.updates.close();
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<PromptRecord>> {
    this.#done = true;
    this.updates.close();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #finishIfEnded(): void {
    if (isTerminal(aggregateStatus([...this.#statuses.values()]))) {
      this.#done = true;
      this.updates.close();
    }
  }
}
