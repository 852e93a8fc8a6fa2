import type { Placement } from "./geometry.js";
import type { ImageFormat } from "./image-format.js";

export const JOB_STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export function isTerminal(status: JobStatus): boolean {
  return status === "SUCCEEDED" || status === "FAILED" || status === "CANCELLED";
}

export const JOB_STAGES = ["PREPARING", "TXT2IMG", "IMG2IMG", "INFILL", "DENOISING", "COMPOSITING"] as const;
export type JobStage = (typeof JOB_STAGES)[number];

export const INFILL_METHODS = ["PATCHMATCH", "EDGE", "TILE", "COLOR"] as const;
export type InfillMethod = (typeof INFILL_METHODS)[number];

/**
 * The image a job makes before it outpaints (FLUX backend, Astria's prompts): from the text alone
 * (TXT2IMG), or from the input image redone at `strength` (IMG2IMG). Its result is kept as the
 * job's generated image and is the original the outpaint stage places and keeps.
 */
export interface GenerateSpec {
  from: "TEXT" | "IMAGE";
  width: number;
  height: number;
  /** Text guidance of this stage (the prompt's text); the outpaint stage has its own (JobSpec.prompt). */
  prompt: string | null;
  /** 1 from text; for an image, the share of the schedule redone (Astria's denoising_strength). */
  strength: number;
  /**
   * The prompt's cfg_scale when it gave one; null: the transformer's own default (FLUX.1 [dev] is
   * distilled for about 3.5, FLUX.1 Fill for 30), known only on the worker that runs it.
   */
  guidance: number | null;
}

/** The stage a generate plan runs as. */
export function generateStage(plan: GenerateSpec): "TXT2IMG" | "IMG2IMG" {
  return plan.from === "TEXT" ? "TXT2IMG" : "IMG2IMG";
}

/** The validated, normalised work order of one job: everything the runner needs besides the input image. */
export interface JobSpec {
  placement: Placement;
  /**
   * How the job gets there, in order: each pass places the previous pass's result (the
   * original, first) on a larger canvas. One pass unless the backend limits how far one pass
   * may extend; the last pass's canvas is the placement's.
   */
  passes: Placement[];
  infill: InfillMethod;
  /** Feather width at the seams, in pixels. */
  blur: number;
  seed: number;
  outputFormat: ImageFormat;
  /** Text guidance; null means none (absent or "__BLANK__"). */
  prompt: string | null;
  negativePrompt: string | null;
  steps: number;
  guidance: number;
  scheduler: string;
  strength: number;
  /** LoRA tunes applied on a FLUX_FILL_TRT tune (from <lora:ID:weight> tags), in every stage. */
  loras?: { tuneId: string; weight: number }[];
  /** A stage before the outpaint; absent: the input image is outpainted as it is. */
  generate?: GenerateSpec;
}

/** A job's options besides where the original goes: what a request sets before the image is known. */
export type JobOptions = Omit<JobSpec, "placement" | "passes">;

/** STANDARD: the Standard Webhooks envelope { type, timestamp, data }. RUNWARE: Runware's { data: [result] } or { errors: [...] }. */
export type JobCallbackFormat = "STANDARD" | "RUNWARE";

export interface JobError {
  code: string;
  message: string;
  field: string | null;
}

export interface JobRecord {
  id: string;
  ownerId: string;
  promptId: string | null;
  tuneId: string;
  status: JobStatus;
  stage: JobStage | null;
  /** The pass running (or, once ended, the last one run), 1 to spec.passes.length; 0 before a run starts. */
  pass: number;
  step: number;
  totalSteps: number;
  percent: number;
  etaSeconds: number | null;
  attempts: number;
  revision: number;
  width: number;
  height: number;
  /** The image the client gave; null when the job generates its original from text. */
  inputImageId: string | null;
  /** The image the generate stage made (spec.generate), once it has run. */
  generatedImageId: string | null;
  /** Which transformer the generate stage ran on: FLUX.1-dev, or FLUX.1-Fill-dev with a full mask. */
  generator: string | null;
  resultImageId: string | null;
  previewImageId: string | null;
  spec: JobSpec;
  error: JobError | null;
  cancelRequested: boolean;
  /** Where the job's outcome is POSTed, if anywhere, and in which shape. */
  callbackUrl: string | null;
  callbackFormat: JobCallbackFormat;
  /** The client's own id for the request the job belongs to (Runware's taskUUID); null when it gave none. */
  clientTaskId: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** A prompt's status from its jobs: RUNNING while any has started and not all ended, then the outcome. */
export function aggregateStatus(statuses: readonly JobStatus[]): JobStatus {
  if (statuses.length === 0) return "QUEUED";
  if (statuses.every(isTerminal)) {
    if (statuses.includes("FAILED")) return "FAILED";
    if (statuses.includes("SUCCEEDED")) return "SUCCEEDED";
    return "CANCELLED";
  }
  return statuses.every((status) => status === "QUEUED") ? "QUEUED" : "RUNNING";
}
