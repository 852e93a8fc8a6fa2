import type { JobRecord } from "../../core/job.js";

/** What the job service needs from whatever runs jobs. */
export interface JobQueue {
  /** These jobs were committed as QUEUED. Never throws: a job the queue misses now is found later. */
  submitted(jobs: readonly JobRecord[]): void;
  /**
   * Asks the run of `jobId` to stop and waits (up to `timeoutMs`) until it has ended.
   * Resolves false if it did not end in time.
   */
  cancelRunning(jobId: string, timeoutMs: number): Promise<boolean>;
}
