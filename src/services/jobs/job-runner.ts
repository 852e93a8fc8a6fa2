import type { Logger } from "pino";
import { generateStage, type JobRecord } from "../../core/job.js";
import type { Database } from "../../infrastructure/db/database.js";
import { NativeError, type DenoiseRequest, type OutpaintEngine, type NativeImage } from "../../infrastructure/native/outpaint-engine.js";
import type { FluxTokenizers } from "../../infrastructure/native/flux-tokenizers.js";
import type { BackendPool } from "../../infrastructure/native/backend-pool.js";
import type { AppEvents } from "../../infrastructure/events/topics.js";
import type { RawImage } from "../../infrastructure/media/codec.js";
import type { ImageService } from "../images/image.service.js";
import type { Metrics } from "../../infrastructure/metrics/metrics.js";
import type { WebhookOutbox } from "../webhooks/webhook-outbox.js";
import { JobFailure } from "./job-failure.js";
import { ProgressTracker } from "./progress-tracker.js";

/** FLUX.1 [dev]'s usual guidance (diffusers' FluxPipeline examples; the model is guidance-distilled). */
const FLUX_DEV_GUIDANCE = 3.5;

/** Steps between the GPU backend's latent previews. */
const FLUX_PREVIEW_EVERY = 5;

/** The engine a job runs on, and the tokenizers its text needs (FLUX backend). */
interface JobBackend {
  engine: OutpaintEngine;
  tokenizers: FluxTokenizers | null;
}

/** Why a run was aborted: the user cancelled it, or the process is shutting down and hands it back. */
export type AbortReason = "cancel" | "shutdown";

/**
 * Runs one claimed attempt of a job on its tune's backend: decode the input, then for each pass
 * place, infill, denoise (FLUX backend) and paste back in the native engine, encode and store the
 * result, and end the job exactly once.
 *
 * Steps: PREPARING is step 0; the engine's steps of every pass follow; storing the result is the last step.
 */
export class JobRunner {
  constructor(
    private readonly db: Database,
    private readonly images: ImageService,
    private readonly backends: BackendPool,
    private readonly events: AppEvents,
    private readonly outbox: WebhookOutbox,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  async run(job: JobRecord, signal: AbortSignal): Promise<void> {
    const tracker = new ProgressTracker(job, this.db, this.events, this.outbox);
    const log = this.logger.child({ jobId: job.id, attempt: job.attempts });
    tracker.announce();
    this.metrics.runStarted(job);
    log.info("job started");
    try {
      const input = job.inputImageId ? await this.db.images.find(job.inputImageId) : null;
      if (job.inputImageId && !input) throw new JobFailure("INPUT_MISSING", `The input image ${job.inputImageId} is no longer stored`);
      const backend = await this.#backendFor(job);
      let original = input ? await this.images.decode(input) : null;
      let steps = 0;
      if (job.spec.generate) ({ image: original, steps } = await this.#generate(job, backend, original, tracker, signal));
      const result = await this.#runPasses(job, backend, original!, steps, tracker, signal, log);
      const image = await this.images.saveRaw(job.ownerId, result.image, job.spec.outputFormat);
      const total = result.steps + 1;
      if (await tracker.finish({ status: "SUCCEEDED", resultImageId: image.id, step: total, percent: 100 })) {
        this.metrics.runEnded(tracker.job);
        log.info({ resultImageId: image.id, passes: job.spec.passes.length }, "job succeeded");
      } else {
        log.warn("job finished but this attempt no longer owned it; result discarded");
      }
    } catch (error) {
      await this.#fail(tracker, error, signal, log);
    }
  }

  /** The engine of the job's tune's backend; BACKEND_UNAVAILABLE where this process cannot run it. */
  async #backendFor(job: JobRecord): Promise<JobBackend> {
    const [tune] = await this.db.tunes.findMany([job.tuneId]);
    const backend = tune?.backend ?? "CPU_FILL";
    const engine = this.backends.engine(backend);
    if (!engine) {
      throw new JobFailure("BACKEND_UNAVAILABLE", `Tune ${job.tuneId} runs on ${backend}, which is unavailable on this worker: ${this.backends.missing(backend).join("; ")}`);
    }
    return { engine, tokenizers: (backend === "FLUX_FILL_TRT" ? this.backends.fluxTokenizers() : null) ?? null };
  }

  /** The denoiser's settings for one stage: its text as token ids, and the sampler's settings. */
  #denoise(job: JobRecord, { tokenizers }: JobBackend, prompt: string | null, strength: number, guidance = job.spec.guidance): DenoiseRequest | undefined {
    if (!tokenizers) return undefined;
    const { spec } = job;
    return {
      ...tokenizers.encode(prompt),
      steps: spec.steps,
      guidance,
      strength,
      previewEvery: FLUX_PREVIEW_EVERY,
      loras: (spec.loras ?? []).map((lora) => ({ path: this.backends.loraFile(lora.tuneId), weight: lora.weight })),
    };
  }

  /**
   * The stage before the outpaint: an image from the text (TXT2IMG) or from the input image
   * (IMG2IMG), kept as the job's generated image and shown as its preview. Until the passes run,
   * each is counted as long as this stage.
   */
  async #generate(job: JobRecord, backend: JobBackend, input: RawImage | null, tracker: ProgressTracker, signal: AbortSignal): Promise<{ image: RawImage; steps: number }> {
    const plan = job.spec.generate!;
    const denoise = this.#denoise(job, backend, plan.prompt, plan.strength, plan.guidance ?? (this.backends.hasFluxDev() ? FLUX_DEV_GUIDANCE : job.spec.guidance));
    if (!denoise) throw new JobFailure("BACKEND_UNAVAILABLE", `Tune ${job.tuneId} cannot generate an image: only FLUX_FILL_TRT tunes do`);
    const stage = generateStage(plan);
    let stageSteps = 0;
    let lastStepAt = performance.now();
    const generated = await backend.engine.generate(
      { width: plan.width, height: plan.height, seed: job.spec.seed, ...(input ? { init: input } : {}), denoise },
      {
        signal,
        onProgress: (progress) => {
          // Loading the engines on first use reports PREPARING; the denoising steps are this stage's.
          if (progress.stage === "PREPARING") {
            tracker.update({ stage: "PREPARING", pass: 0, step: 0, totalSteps: 0 });
            return;
          }
          const now = performance.now();
          this.metrics.stepTook(stage, (now - lastStepAt) / 1000);
          lastStepAt = now;
          stageSteps = progress.totalSteps;
          tracker.update({ stage, pass: 0, step: progress.step, totalSteps: progress.totalSteps * (1 + job.spec.passes.length) + 1 });
        },
      },
    );
    const image: RawImage = { ...generated.image, channels: 3 };
    const stored = await this.images.saveRaw(job.ownerId, image, "PNG");
    tracker.generated(stored.id, generated.transformer);
    return { image, steps: stageSteps };
  }

  /**
   * Runs the spec's passes, each outpainting the previous one's result. A finished pass that is
   * not the last becomes the job's preview, encoded while the next pass runs.
   */
  async #runPasses(
    job: JobRecord,
    backend: JobBackend,
    original: RawImage,
    stepsBefore: number,
    tracker: ProgressTracker,
    signal: AbortSignal,
    log: Logger,
  ): Promise<{ image: RawImage; steps: number }> {
    const { spec } = job;
    const { engine } = backend;
    const denoise = this.#denoise(job, backend, spec.prompt, spec.strength);
    let canvas = original;
    let stepsDone = stepsBefore;
    let previewing: Promise<void> = Promise.resolve();
    // A pass that fails or is cancelled still waits for the preview being stored, so nothing is
    // published after the job's final state.
    try {
      for (const [index, placement] of spec.passes.entries()) {
        const passesLeft = spec.passes.length - index;
        let passSteps = 0;
        // The first step of a pass is timed from the engine call, so decoding and previews are not counted.
        let lastStepAt = performance.now();
        const filled = await engine.outpaint(
          { original: canvas, placement, infill: spec.infill, blur: spec.blur, seed: spec.seed, denoise },
          {
            signal,
            onPreview: (image: NativeImage) => {
              previewing = previewing
                .then(async () => tracker.preview((await this.images.saveRaw(job.ownerId, { ...image, channels: 3 }, "PNG")).id))
                .catch((error: unknown) => log.warn({ err: error, pass: index + 1 }, "preview not stored"));
            },
            onProgress: ({ stage, step, totalSteps }) => {
              const now = performance.now();
              this.metrics.stepTook(stage, (now - lastStepAt) / 1000);
              lastStepAt = now;
              passSteps = totalSteps;
              // Until they run, later passes are counted as long as this one; the last step stores the result.
              tracker.update({ stage, pass: index + 1, step: stepsDone + step, totalSteps: stepsDone + totalSteps * passesLeft + 1 });
            },
          },
        );
        if (filled.channels !== 3 && filled.channels !== 4) throw new Error(`Engine returned ${filled.channels} channels`);
        canvas = { ...filled, channels: filled.channels };
        stepsDone += passSteps;
        if (passesLeft > 1) {
          const preview = canvas;
          previewing = previewing
            .then(async () => tracker.preview((await this.images.saveRaw(job.ownerId, preview, spec.outputFormat)).id))
            // A preview is a courtesy: failing to store one must not fail the job, nor go unhandled.
            .catch((error: unknown) => log.warn({ err: error, pass: index + 1 }, "preview not stored"));
        }
      }
    } finally {
      await previewing;
    }
    return { image: canvas, steps: stepsDone };
  }

  async #fail(tracker: ProgressTracker, error: unknown, signal: AbortSignal, log: Logger): Promise<void> {
    if (signal.aborted) {
      if (signal.reason === "shutdown") {
        await this.db.jobs.release(tracker.job.id, tracker.job.attempts, new Date());
        log.info("job handed back to the queue at shutdown");
        return;
      }
      if (await tracker.finish({ status: "CANCELLED" })) this.metrics.runEnded(tracker.job);
      log.info("job cancelled");
      return;
    }
    const code = error instanceof NativeError || error instanceof JobFailure ? error.code : "INTERNAL";
    const message = error instanceof Error ? error.message : String(error);
    log.error({ err: error }, "job failed");
    if (await tracker.finish({ status: "FAILED", error: { code, message, field: null } })) this.metrics.runEnded(tracker.job);
  }
}
