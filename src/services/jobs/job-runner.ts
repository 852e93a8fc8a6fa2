import type { Logger } from "pino";
import type { JobRecord } from "../../core/job.js";
import type { Database } from "../../db/database.js";
import { NativeError, type FillEngine } from "../../native/fill-engine.js";
import type { AppEvents } from "../events/topics.js";
import type { ImageService } from "../images/image.service.js";
import type { WebhookOutbox } from "../webhooks/webhook-outbox.js";
import { ProgressTracker } from "./progress-tracker.js";

/** Why a run was aborted: the user cancelled it, or the process is shutting down and hands it back. */
export type AbortReason = "cancel" | "shutdown";

/**
 * Runs one claimed attempt of a job on the CPU fill: decode the input, place, infill and paste
 * back in the native engine, encode and store the result, and end the job exactly once.
 *
 * Steps: PREPARING is step 0; the engine's steps follow; storing the result is the last step.
 */
export class JobRunner {
  constructor(
    private readonly db: Database,
    private readonly images: ImageService,
    private readonly engine: FillEngine,
    private readonly events: AppEvents,
    private readonly outbox: WebhookOutbox,
    private readonly logger: Logger,
  ) {}

  async run(job: JobRecord, signal: AbortSignal): Promise<void> {
    const tracker = new ProgressTracker(job, this.db, this.events, this.outbox);
    const log = this.logger.child({ jobId: job.id, attempt: job.attempts });
    tracker.announce();
    log.info("job started");
    try {
      const input = await this.db.images.find(job.inputImageId);
      if (!input) throw new NativeError("INPUT_MISSING", `The input image ${job.inputImageId} is no longer stored`);
      const original = await this.images.decode(input);
      const { spec } = job;
      let engineSteps = 0;
      const result = await this.engine.outpaint(
        { original, placement: spec.placement, infill: spec.infill, feather: spec.blur, seed: spec.seed },
        {
          signal,
          onProgress: ({ stage, step, totalSteps }) => {
            engineSteps = totalSteps;
            tracker.update({ stage, step, totalSteps: totalSteps + 1 });
          },
        },
      );
      if (result.channels !== 3 && result.channels !== 4) throw new Error(`Engine returned ${result.channels} channels`);
      const image = await this.images.saveRaw({ ...result, channels: result.channels }, spec.outputFormat);
      const total = engineSteps + 1;
      if (await tracker.finish({ status: "SUCCEEDED", resultImageId: image.id, step: total, percent: 100 })) {
        log.info({ resultImageId: image.id }, "job succeeded");
      } else {
        log.warn("job finished but this attempt no longer owned it; result discarded");
      }
    } catch (error) {
      await this.#fail(tracker, error, signal, log);
    }
  }

  async #fail(tracker: ProgressTracker, error: unknown, signal: AbortSignal, log: Logger): Promise<void> {
    if (signal.aborted) {
      if (signal.reason === "shutdown") {
        await this.db.jobs.release(tracker.job.id, tracker.job.attempts, new Date());
        log.info("job handed back to the queue at shutdown");
        return;
      }
      await tracker.finish({ status: "CANCELLED" });
      log.info("job cancelled");
      return;
    }
    const code = error instanceof NativeError ? error.code : "INTERNAL";
    const message = error instanceof Error ? error.message : String(error);
    log.error({ err: error }, "job failed");
    await tracker.finish({ status: "FAILED", error: { code, message, field: null } });
  }
}
