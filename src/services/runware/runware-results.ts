import type { ImageRecord } from "../../core/image.js";
import type { JobRecord } from "../../core/job.js";
import type { ImageUrlOf } from "../images/image-links.js";
import type { RunwareErrorJson } from "./runware-error.js";

// What Runware answers per generated image (runware.ai/docs/en/image-inference/api-reference,
// "Response"): one item per image, each naming the task it answers and the new image's UUID,
// which the client may pass back as a later seedImage (it is this server's image id).

export const INFERENCE = "imageInference";

export interface RunwareImageItem {
  taskType: typeof INFERENCE;
  taskUUID: string;
  imageUUID: string;
  imageURL?: string;
  imageDataURI?: string;
  imageBase64Data?: string;
  seed: number;
  cost?: number;
  status?: "success";
}

/** The encodings of one result image a client asked for with outputType. */
export interface ImageOutputs {
  imageURL?: string;
  imageDataURI?: string;
  imageBase64Data?: string;
}

/** A finished job's image as Runware's result item. This server charges nothing: cost is 0. */
export function imageItem(job: JobRecord, image: ImageRecord, outputs: ImageOutputs, options: { includeCost: boolean; status: boolean }): RunwareImageItem {
  return {
    taskType: INFERENCE,
    taskUUID: job.clientTaskId ?? job.id,
    imageUUID: image.id,
    ...outputs,
    seed: job.spec.seed,
    ...(options.includeCost ? { cost: 0 } : {}),
    ...(options.status ? { status: "success" as const } : {}),
  };
}

/** A job that failed or was cancelled, as the error of its task. */
export function failureItem(job: JobRecord): RunwareErrorJson {
  const cancelled = job.status === "CANCELLED";
  return {
    code: cancelled ? "taskCancelled" : "inferenceFailed",
    message: cancelled ? "The task was cancelled" : `${job.error?.code ?? "INTERNAL"}: ${job.error?.message ?? "the task failed"}`,
    status: "error",
    taskType: INFERENCE,
    taskUUID: job.clientTaskId ?? job.id,
  };
}

/** The webhook body Runware sends per finished image: { data: [item] }, or { errors: [error] } when it failed. */
export function runwareWebhookBody(job: JobRecord, images: ReadonlyMap<string, ImageRecord>, urlOf: ImageUrlOf): string {
  const image = job.resultImageId ? images.get(job.resultImageId) : undefined;
  if (job.status !== "SUCCEEDED" || !image) return JSON.stringify({ errors: [failureItem(job)] });
  return JSON.stringify({ data: [imageItem(job, image, { imageURL: urlOf(image) }, { includeCost: false, status: true })] });
}
