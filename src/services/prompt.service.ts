import { BackendUnavailableError, described, InputError, NotFoundError } from "../core/errors.js";
import type { TuneRecord } from "../core/tune.js";
import { aggregateStatus, isTerminal, type JobRecord, type JobOptions } from "../core/job.js";
import type { Page } from "../core/pagination.js";
import { pageRequest } from "../core/pagination.js";
import type { CallbackFormat, PromptParams, PromptRecord } from "../core/prompt.js";
import { parsePromptText } from "../core/prompt-text.js";
import type { Database } from "../infrastructure/db/database.js";
import type { AppEvents } from "../infrastructure/events/topics.js";
import { checkIdempotencyKey, requestHash } from "./idempotency.js";
import type { ImageInputValue } from "./images/image-input.js";
import type { ImageService } from "./images/image.service.js";
import type { JobService } from "./jobs/job.service.js";
import { checkSpecAgainstImage, LIMITS, textGuidance, validateSampling } from "./jobs/outpaint-request.js";
import type { TuneService } from "./tune.service.js";
import { int, optionalHttpUrl, optionalInt, optionalNumber, optionalText } from "./validate.js";
import { planPrompt } from "./prompt-plan.js";
import { LiveFeed } from "../infrastructure/events/live-feed.js";

export interface PromptRequest {
  text: string;
  negativePrompt?: string | null;
  numImages?: number | null;
  seed?: number | null;
  steps?: number | null;
  cfgScale?: number | null;
  inputImage?: ImageInputValue | null;
  maskImage?: ImageInputValue | null;
  denoisingStrength?: number | null;
  w?: number | null;
  h?: number | null;
  ar?: string | null;
  scheduler?: string | null;
  callbackUrl?: string | null;
}

export class PromptService {
  constructor(
    private readonly db: Database,
    private readonly tunes: TuneService,
    private readonly images: ImageService,
    private readonly jobs: JobService,
    private readonly events: AppEvents,
  ) {}

  get(owner: string, id: string): Promise<PromptRecord | null> {
    return this.db.prompts.find(id, owner);
  }

  getMany(ids: readonly string[]): Promise<PromptRecord[]> {
    return this.db.prompts.findMany(ids);
  }

  list(owner: string, tuneId: string | null | undefined, first?: number | null, after?: string | null): Promise<Page<PromptRecord>> {
    return this.db.prompts.list(owner, tuneId ?? null, pageRequest(first, after));
  }

  /**
   * Parses the prompt text and fields and creates one job per image (prompt-plan.ts: outpaint
   * the input image, or first make an image from the text or from the input image, which only a
   * FLUX tune can). On the CPU fill a prompt must carry an input image and --outpaint flags.
   */
  async create(
    owner: string,
    tuneId: string,
    request: PromptRequest,
    idempotencyKey?: string | null,
    callbackFormat: CallbackFormat = "STANDARD",
  ): Promise<PromptRecord> {
    const text = optionalText(request.text, "text", LIMITS.maxPromptLength) ?? "";
    const parsed = parsePromptText(text, "text");
    const negativePrompt = optionalText(request.negativePrompt, "negativePrompt", LIMITS.maxPromptLength);
    const numImages = optionalInt(request.numImages, "numImages", 1, LIMITS.maxNumImages, 1);
    const { seed, steps, guidance, scheduler } = validateSampling({ ...request, guidance: request.cfgScale }, "cfgScale");
    const w = request.w === null || request.w === undefined ? null : int(request.w, "w", 64, LIMITS.maxCanvasSide);
    const h = request.h === null || request.h === undefined ? null : int(request.h, "h", 64, LIMITS.maxCanvasSide);
    if (request.ar !== null && request.ar !== undefined && !/^\d{1,2}:\d{1,2}$/.test(request.ar)) {
      throw new InputError("ar", "an aspect ratio such as 16:9", request.ar);
    }
    const callbackUrl = optionalHttpUrl(request.callbackUrl, "callbackUrl");
    const key = checkIdempotencyKey(idempotencyKey);

    if (request.maskImage !== null && request.maskImage !== undefined) {
      throw new InputError("maskImage", "no mask image (outpainting makes its own mask; inpainting masks are not supported)", described("a mask image"));
    }
    const denoisingStrength = optionalNumber(request.denoisingStrength, "denoisingStrength", 0, 1, 0);
    const needs = !request.inputImage ? "TXT2IMG" : denoisingStrength > 0 ? "IMG2IMG" : null;
    const tune = await this.tunes.resolveForWork(owner, tuneId, "tuneId");
    const onGpu = tune.backend === "FLUX_FILL_TRT";
    if (needs && !onGpu) await this.#refuseGeneration(owner, tune, needs, denoisingStrength);
    if (parsed.loras.length > 0 && !onGpu) {
      throw new InputError("text", "no <lora:...> tags on a CPU_FILL tune", `<lora:${parsed.loras[0]!.id}:${parsed.loras[0]!.weight}>`);
    }
    const loras = await this.tunes.resolveLoras(owner, tune, parsed.loras, "text");
    const image = request.inputImage ? await this.images.prepare(owner, request.inputImage, "inputImage") : null;
    const plan = planPrompt(parsed, { w, h, ar: request.ar ?? null, denoisingStrength, guidance: request.cfgScale ?? null }, image);
    const { placement } = plan;
    const params: PromptParams = {
      cleanText: parsed.text,
      numImages,
      seed,
      steps,
      cfgScale: guidance,
      denoisingStrength,
      scheduler,
      w: plan.generate?.from === "TEXT" ? plan.generate.width : w,
      h: plan.generate?.from === "TEXT" ? plan.generate.height : h,
      ar: request.ar ?? null,
      outpaint: parsed.outpaint
        ? { anchor: parsed.outpaint.anchor, width: placement.canvasWidth, height: placement.canvasHeight, prompt: parsed.outpaint.prompt }
        : null,
    };
    const spec: JobOptions = {
      infill: "PATCHMATCH",
      blur: 0,
      seed,
      outputFormat: "PNG",
      prompt: plan.outpaintPrompt,
      negativePrompt: textGuidance(negativePrompt),
      steps,
      guidance,
      scheduler,
      // Fill's own strength: the new area from noise. Astria's denoising strength belongs to the
      // image-to-image stage before the outpaint (spec.generate), 0 (its default) meaning none.
      strength: 1,
      ...(loras.length > 0 ? { loras } : {}),
      ...(plan.generate ? { generate: plan.generate } : {}),
    };
    if (plan.outpaints) checkSpecAgainstImage(spec, placement);
    const { inputImage: _inputImage, ...rest } = request;
    const { prompt } = await this.jobs.submit({
      owner,
      tune,
      image,
      spec: { ...spec, placement },
      count: numImages,
      prompt: { text, negativePrompt, callbackUrl, callbackFormat, params },
      callbackUrl: null,
      callbackFormat: "STANDARD",
      clientTaskId: null,
      idempotency: key
        ? { key: `createPrompt:${owner}:${key}`, hash: requestHash({ ...rest, tuneId: tune.id, inputImage: image?.sha256 ?? null }) }
        : null,
    });
    return prompt!;
  }

  /**
   * A prompt that needs an image generated (from its text, or from its input image) names a tune
   * that cannot: the CPU fill only outpaints. The refusal names the FLUX tune that would, and
   * what stops this server from running one.
   */
  async #refuseGeneration(owner: string, tune: TuneRecord, needs: "TXT2IMG" | "IMG2IMG", strength: number): Promise<never> {
    const what =
      needs === "TXT2IMG"
        ? "Generating the image from the prompt's text (it has no input image) before outpainting"
        : `Redoing the input image at denoising strength ${strength} before outpainting (0 outpaints it as it is)`;
    const [flux] = await this.tunes.fluxTunes(owner);
    const missing = this.tunes.missing("FLUX_FILL_TRT");
    if (flux && missing.length === 0) {
      throw new InputError("tuneId", `a FLUX_FILL_TRT tune such as ${flux.id} ("${flux.title}"): ${what.toLowerCase()} needs FLUX.1, and tune ${tune.id} runs on CPU_FILL, which only outpaints`, tune.id);
    }
    const reasons = [
      `tune ${tune.id} runs on CPU_FILL, which only outpaints`,
      flux ? `the FLUX tune ${flux.id} ("${flux.title}") cannot run here` : "this server has no FLUX tune (createTune with backend FLUX_FILL_TRT, docs/gpu.md)",
      ...missing,
    ];
    throw new BackendUnavailableError(needs === "TXT2IMG" ? "inputImage" : "denoisingStrength", "FLUX_FILL_TRT", reasons, what);
  }

  /** The prompt now, then again whenever one of its jobs changes status, ending once all have ended. */
  async watch(owner: string, id: string): Promise<AsyncIterableIterator<PromptRecord>> {
    const updates = this.events.subscribe("prompt", id);
    const prompt = await this.db.prompts.find(id, owner);
    if (!prompt) {
      updates.close();
      throw new NotFoundError("prompt", id, "id");
    }
    const statuses = new Map((await this.db.jobs.listByPrompt([id])).map((job) => [job.id, job.status]));
    const ended = () => isTerminal(aggregateStatus([...statuses.values()]));
    return new LiveFeed({ value: prompt, final: ended() }, updates, (job: JobRecord) => {
      if (statuses.get(job.id) === job.status) return null;
      statuses.set(job.id, job.status);
      return { value: prompt, final: ended() };
    });
  }
}
