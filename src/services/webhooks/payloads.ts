import type { ImageRecord } from "../../core/image.js";
import { aggregateStatus, type JobRecord } from "../../core/job.js";
import type { PromptRecord } from "../../core/prompt.js";
import type { ImageUrlOf } from "../images/image-links.js";

// The JSON shapes events carry (and REST answers will): plain objects with absolute image URLs.

export function imageJson(image: ImageRecord, urlOf: ImageUrlOf) {
  const { id, width, height, format, bytes, sha256 } = image;
  return { id, url: urlOf(image), width, height, format, bytes, sha256 };
}

export function jobJson(job: JobRecord, images: ReadonlyMap<string, ImageRecord>, urlOf: ImageUrlOf) {
  const image = (id: string | null) => {
    const record = id ? images.get(id) : undefined;
    return record ? imageJson(record, urlOf) : null;
  };
  const { x, y, width, height } = job.spec.placement;
  return {
    id: job.id,
    status: job.status,
    stage: job.stage,
    progress: { step: job.step, totalSteps: job.totalSteps, percent: job.percent, etaSeconds: job.etaSeconds },
    width: job.width,
    height: job.height,
    placement: { x, y, width, height },
    seed: job.spec.seed,
    infill: job.spec.infill,
    tuneId: job.tuneId,
    promptId: job.promptId,
    input: image(job.inputImageId),
    generated: image(job.generatedImageId),
    result: image(job.resultImageId),
    error: job.error,
    attempts: job.attempts,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

export function promptJson(prompt: PromptRecord, jobs: JobRecord[], images: ReadonlyMap<string, ImageRecord>, urlOf: ImageUrlOf) {
  const jobViews = jobs.map((job) => jobJson(job, images, urlOf));
  return {
    id: prompt.id,
    tuneId: prompt.tuneId,
    text: prompt.text,
    negativePrompt: prompt.negativePrompt,
    status: aggregateStatus(jobs.map((job) => job.status)),
    params: prompt.params,
    images: jobViews.flatMap((job) => (job.result ? [job.result.url] : [])),
    jobs: jobViews,
    createdAt: prompt.createdAt.toISOString(),
  };
}

/** A prompt as Astria's API shows it, so clients written for Astria read it unchanged. */
export function astriaPromptJson(
  prompt: PromptRecord,
  jobs: JobRecord[],
  images: ReadonlyMap<string, ImageRecord>,
  origin: string,
  urlOf: ImageUrlOf,
) {
  const status = aggregateStatus(jobs.map((job) => job.status));
  const started = jobs.flatMap((job) => (job.startedAt ? [job.startedAt.getTime()] : []));
  const finished = jobs.flatMap((job) => (job.finishedAt ? [job.finishedAt.getTime()] : []));
  const input = jobs[0]?.inputImageId ? images.get(jobs[0].inputImageId) : undefined;
  const results = jobs.flatMap((job) => {
    const image = job.resultImageId ? images.get(job.resultImageId) : undefined;
    return image ? [urlOf(image)] : [];
  });
  const { params } = prompt;
  return {
    id: prompt.id,
    tune_id: prompt.tuneId,
    text: prompt.text,
    negative_prompt: prompt.negativePrompt ?? "",
    num_images: params.numImages,
    seed: params.seed,
    steps: params.steps,
    cfg_scale: params.cfgScale,
    denoising_strength: params.denoisingStrength,
    scheduler: params.scheduler,
    w: params.w,
    h: params.h,
    ar: params.ar,
    callback: prompt.callbackUrl,
    input_image: input ? urlOf(input) : null,
    mask_image: null,
    status,
    started_training_at: started.length > 0 ? new Date(Math.min(...started)).toISOString() : null,
    trained_at: status === "SUCCEEDED" ? new Date(Math.max(...finished)).toISOString() : null,
    created_at: prompt.createdAt.toISOString(),
    updated_at: new Date(Math.max(prompt.createdAt.getTime(), ...started, ...finished)).toISOString(),
    url: `${origin}/tunes/${prompt.tuneId}/prompts/${prompt.id}`,
    images: results,
  };
}
