import { described, InputError, NotFoundError } from "../core/errors.js";
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
import { checkSpecAgainstImage, LIMITS, planPlacement, textGuidance, validateSampling } from "./jobs/outpaint-request.js";
import type { TuneService } from "./tune.service.js";
import { int, optionalHttpUrl, optionalInt, optionalText } from "./validate.js";
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
   * Parses the prompt text and fields and creates one outpaint job per image. On the CPU fill a
   * prompt must carry an input image and --outpaint flags: it outpaints only.
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

    const tune = await this.tunes.resolveForWork(owner, tuneId, "tuneId");
    const onGpu = tune.backend === "FLUX_FILL_TRT";
    // Both backends outpaint an input image; the CPU fill uses no text, LoRA or strength.
    if (request.maskImage !== null && request.maskImage !== undefined) {
      throw new InputError("maskImage", "no mask image (outpainting makes its own mask; inpainting masks are not supported)", described("a mask image"));
    }
    if (parsed.loras.length > 0 && !onGpu) {
      throw new InputError("text", "no <lora:...> tags on a CPU_FILL tune", `<lora:${parsed.loras[0]!.id}:${parsed.loras[0]!.weight}>`);
    }
    const loras = await this.tunes.resolveLoras(owner, tune, parsed.loras, "text");
    const denoisingStrength = request.denoisingStrength ?? 0;
    if (denoisingStrength !== 0 && !onGpu) {
      throw new InputError("denoisingStrength", "0 (outpaint only; img2img needs a FLUX_FILL_TRT tune)", denoisingStrength);
    }
    if (!request.inputImage) {
      throw new InputError("inputImage", "an input image (generating an image from text alone is not supported; both backends outpaint)", undefined);
    }
    if (!parsed.outpaint) {
      throw new InputError("text", "--outpaint <anchor> flags (this server outpaints)", text);
    }
    const flags = parsed.outpaint;
    const image = await this.images.prepare(owner, request.inputImage, "inputImage");
    const placement = planPlacement(
      { kind: "target", width: flags.width ?? image.width, height: flags.height ?? image.height, anchor: flags.anchor },
      image,
      { width: "text (--outpaint_width)", height: "text (--outpaint_height)", size: "text (--outpaint_width/--outpaint_height)" },
    );
    const params: PromptParams = {
      cleanText: parsed.text,
      numImages,
      seed,
      steps,
      cfgScale: guidance,
      denoisingStrength,
      scheduler,
      w,
      h,
      ar: request.ar ?? null,
      outpaint: { anchor: flags.anchor, width: placement.canvasWidth, height: placement.canvasHeight, prompt: flags.prompt },
    };
    const spec: JobOptions = {
      infill: "PATCHMATCH",
      blur: 0,
      seed,
      outputFormat: "PNG",
      prompt: textGuidance(flags.prompt ?? parsed.text),
      negativePrompt: textGuidance(negativePrompt),
      steps,
      guidance,
      scheduler,
      // Fill's own strength: the new area from noise. Astria's denoising strength is for an
      // image-to-image stage before the outpaint, 0 (its default) meaning none.
      strength: 1,
      ...(loras.length > 0 ? { loras } : {}),
    };
    checkSpecAgainstImage(spec, placement);
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
        ? { key: `createPrompt:${owner}:${key}`, hash: requestHash({ ...rest, tuneId: tune.id, inputImage: image.sha256 }) }
        : null,
    });
    return prompt!;
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
