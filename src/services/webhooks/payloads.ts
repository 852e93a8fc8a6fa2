import { imageUrl, type ImageRecord } from "../../core/image.js";
import { aggregateStatus, type JobRecord } from "../../core/job.js";
import type { PromptRecord } from "../../core/prompt.js";

// The JSON shapes events carry (and REST answers will): plain objects with absolute image URLs.

export function imageJson(image: ImageRecord, origin: string) {
  const { id, width, height, format, bytes, sha256 } = image;
  return { id, url: imageUrl(origin, image), width, height, format, bytes, sha256 };
}

export function jobJson(job: JobRecord, images: ReadonlyMap<string, ImageRecord>, origin: string) {
  const image = (id: string | null) => {
    const record = id ? images.get(id) : undefined;
    return record ? imageJson(record, origin) : null;
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
    result: image(job.resultImageId),
    error: job.error,
    attempts: job.attempts,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

export function promptJson(prompt: PromptRecord, jobs: JobRecord[], images: ReadonlyMap<string, ImageRecord>, origin: string) {
  const jobViews = jobs.map((job) => jobJson(job, images, origin));
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
