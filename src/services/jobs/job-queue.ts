import type { JobRecord } from "../../core/job.js";
import type { Backend } from "../../core/tune.js";

/** What the job service needs from whatever runs jobs. */
export interface JobQueue {
  /**
   * These jobs, all of one tune on `backend`, were committed as QUEUED. Never throws: a job the
   * queue misses now is found later.
   */
  submitted(jobs: readonly JobRecord[], backend: Backend): void;
  /**
   * Asks the run of `jobId` to stop and waits (up to `timeoutMs`) until it has ended.
   * Resolves false if it did not end in time.
   */
  cancelRunning(jobId: string, timeoutMs: number): Promise<boolean>;
}
