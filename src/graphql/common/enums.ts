import { registerEnumType } from "type-graphql";
import { ANCHORS, PRESETS } from "../../core/geometry.js";
import { IMAGE_FORMATS } from "../../core/image-format.js";
import { INFILL_METHODS, JOB_STATUSES } from "../../core/job.js";
import { BACKENDS, TUNE_KINDS } from "../../core/tune.js";
import { DELIVERY_STATUSES } from "../../core/webhook.js";

// The GraphQL enums are built from the domain's own lists, so the two can never disagree.

function enumOf<T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((value) => [value, value])) as { [K in T]: K };
}

export const JobStatusEnum = enumOf(JOB_STATUSES);
export const BackendEnum = enumOf(BACKENDS);
export const TuneKindEnum = enumOf(TUNE_KINDS);
export const AnchorEnum = enumOf(ANCHORS);
export const OutpaintPresetEnum = enumOf(PRESETS);
export const InfillMethodEnum = enumOf(INFILL_METHODS);
export const ImageFormatEnum = enumOf(IMAGE_FORMATS);
export const DeliveryStatusEnum = enumOf(DELIVERY_STATUSES);

registerEnumType(JobStatusEnum, { name: "JobStatus", description: "Lifecycle: QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED." });
registerEnumType(BackendEnum, {
  name: "Backend",
  description: "CPU_FILL: the native exemplar fill, no weights. FLUX_FILL_TRT: FLUX.1 Fill [dev] on TensorRT.",
});
registerEnumType(TuneKindEnum, { name: "TuneKind", description: "BASE: a model. LORA: weights applied to a base tune." });
registerEnumType(AnchorEnum, { name: "Anchor", description: "Where the original sits on the larger canvas." });
registerEnumType(OutpaintPresetEnum, {
  name: "OutpaintPreset",
  description:
    "ZOOM_OUT_*: the canvas grows by the factor on both axes. MAKE_SQUARE and ASPECT_*: only the short side grows, to the ratio; the original is centred. EXTEND_*: that side grows by presetFactor (default 1.5x the image's extent), the original against the opposite side.",
});
registerEnumType(InfillMethodEnum, {
  name: "InfillMethod",
  description:
    "How the new area is filled on the CPU (and pre-filled for a denoiser). PATCHMATCH: content-aware, continues texture and structure from the original. EDGE: edge pixels extended outward. TILE: the image mirrored across each seam. COLOR: the mean colour along the seams.",
});
registerEnumType(ImageFormatEnum, { name: "ImageFormat", description: "PNG and WEBP (lossless) keep original pixels exact; JPEG does not." });
registerEnumType(DeliveryStatusEnum, {
  name: "WebhookDeliveryStatus",
  description: "PENDING: not yet delivered (retries are scheduled). DELIVERED: answered 2xx. FAILED: attempts used up.",
});
