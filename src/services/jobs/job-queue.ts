/** What the job service needs from whatever runs jobs. */
export interface JobQueue {
  /** New work was committed. */
  notify(): void;
  /**
   * Asks the run of `jobId` to stop and waits (up to `timeoutMs`) until it has ended.
   * Resolves false if it did not end in time.
   */
  cancelRunning(jobId: string, timeoutMs: number): Promise<boolean>;
}
