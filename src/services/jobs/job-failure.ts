/**
 * Why a job failed for a reason of its own rather than the engine's: its input is gone, or this
 * worker cannot run its backend. `code` goes on the job's error as the engine's codes do.
 */
export class JobFailure extends Error {
  constructor(
    readonly code: "INPUT_MISSING" | "BACKEND_UNAVAILABLE",
    message: string,
  ) {
    super(message);
    this.name = "JobFailure";
  }
}
