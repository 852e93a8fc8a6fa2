import { BLANK_PROMPT, LIMITS } from "../jobs/outpaint-request.js";
import type { ImageInputValue } from "../images/image-input.js";
import { invalidCode, missingCode, RunwareError } from "./runware-error.js";

// Runware's tasks as this server takes them (runware.ai/docs/en/image-inference/api-reference,
// .../utilities/image-upload, .../utilities/task-responses), checked by Runware's own rules and
// refused with Runware's error codes naming the parameter. The job service checks the rest (the
// image, the canvas against it) in its own words, which runware-error.ts turns into Runware's.

export type RunwareOutputType = "URL" | "dataURI" | "base64Data";
export const OUTPUT_TYPES: readonly RunwareOutputType[] = ["URL", "dataURI", "base64Data"];

export interface InferenceTask {
  taskType: "imageInference";
  taskUUID: string;
  model: string;
  positivePrompt: string | null;
  negativePrompt: string | null;
  seedImage: ImageInputValue;
  outpaint: { top: number; right: number; bottom: number; left: number; blur: number };
  width: number;
  height: number;
  steps: number | null;
  CFGScale: number | null;
  seed: number | null;
  numberResults: number;
  outputTypes: readonly RunwareOutputType[];
  outputFormat: "PNG" | "JPEG" | "WEBP";
  includeCost: boolean;
  webhookURL: string | null;
  deliveryMethod: "sync" | "async";
}

export type RunwareTask =
  | { taskType: "authentication"; apiKey: string | null; connectionSessionUUID: string | null }
  | { taskType: "ping" }
  | { taskType: "imageUpload"; taskUUID: string; image: ImageInputValue }
  | { taskType: "getResponse"; taskUUID: string }
  | InferenceTask;

export const TASK_TYPES = ["authentication", "ping", "imageUpload", "imageInference", "getResponse"] as const;

/**
 * Parameters of imageInference this server reads, and those it accepts without effect because
 * the SDKs send them on their own or they cannot change an outpaint here (strength: FLUX.1 Fill
 * does not use it, as Runware documents; outputQuality: JPEG quality is fixed; checkNSFW and
 * safety only when off). Anything else is refused, naming it.
 */
const INFERENCE_PARAMETERS = [
  "taskType", "taskUUID", "model", "positivePrompt", "negativePrompt", "seedImage", "outpaint", "width", "height",
  "steps", "CFGScale", "seed", "scheduler", "numberResults", "outputType", "outputFormat", "includeCost", "webhookURL",
  "deliveryMethod", "strength", "outputQuality", "checkNSFW", "safety",
];
const UPLOAD_PARAMETERS = ["taskType", "taskUUID", "image"];
const RESPONSE_PARAMETERS = ["taskType", "taskUUID"];
const AUTH_PARAMETERS = ["taskType", "apiKey", "connectionSessionUUID"];
const PING_PARAMETERS = ["taskType", "ping"];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_RESULTS = LIMITS.maxNumImages;
/** Runware's scheduler names that mean FLUX.1 Fill's flow-matching Euler sampler, the one this server has. */
const SCHEDULERS = ["Default", "FlowMatchEulerDiscreteScheduler", "Euler", "euler"];

type Raw = Record<string, unknown>;

/** The task's type and id as sent, for errors about a task that does not parse. */
export function taskIdentity(value: unknown): { taskType?: string; taskUUID?: string } {
  if (!value || typeof value !== "object") return {};
  const { taskType, taskUUID } = value as Raw;
  return { ...(typeof taskType === "string" ? { taskType } : {}), ...(typeof taskUUID === "string" ? { taskUUID } : {}) };
}

export function parseTask(value: unknown): RunwareTask {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new RunwareError("invalidTask", "Each element of the request array must be a task object", { type: "object" });
  }
  const task = value as Raw;
  switch (task.taskType) {
    case "authentication":
      onlyKnown(task, AUTH_PARAMETERS);
      return { taskType: "authentication", apiKey: optionalString(task, "apiKey"), connectionSessionUUID: optionalString(task, "connectionSessionUUID") };
    case "ping":
      onlyKnown(task, PING_PARAMETERS);
      return { taskType: "ping" };
    case "imageUpload":
      onlyKnown(task, UPLOAD_PARAMETERS);
      return { taskType: "imageUpload", taskUUID: taskUuid(task), image: imageValue(task, "image") };
    case "getResponse":
      onlyKnown(task, RESPONSE_PARAMETERS);
      return { taskType: "getResponse", taskUUID: taskUuid(task) };
    case "imageInference":
      onlyKnown(task, INFERENCE_PARAMETERS);
      return parseInference(task);
    case undefined:
      throw new RunwareError("missingTaskType", `Missing taskType parameter. One of ${TASK_TYPES.join(", ")} is required`, {
        parameter: "taskType",
        type: "string",
        allowedValues: TASK_TYPES,
      });
    default:
      throw new RunwareError("unsupportedTaskType", `This server runs the task types ${TASK_TYPES.join(", ")}; it does not run ${JSON.stringify(task.taskType)}`, {
        parameter: "taskType",
        type: "string",
        allowedValues: TASK_TYPES,
      });
  }
}

function parseInference(task: Raw): InferenceTask {
  const taskUUID = taskUuid(task);
  const model = requiredString(task, "model");
  const positivePrompt = prompt(task, "positivePrompt", true);
  if (task.seedImage === undefined) {
    throw new RunwareError("missingSeedImage", "Missing seedImage parameter. This server outpaints: give the image to extend and outpaint", {
      parameter: "seedImage",
      type: "string",
    });
  }
  const outpaint = outpaintValue(task);
  const width = dimension(task, "width");
  const height = dimension(task, "height");
  if (task.checkNSFW === true || (isObject(task.safety) && ((task.safety as Raw).checkContent === true || ((task.safety as Raw).mode ?? "none") !== "none"))) {
    throw new RunwareError("unsupportedParameter", "This server has no content check: send checkNSFW false and safety.mode none, or leave them out", {
      parameter: task.checkNSFW === true ? "checkNSFW" : "safety",
    });
  }
  if (task.strength !== undefined) number(task, "strength", 0, 1, false);
  if (task.outputQuality !== undefined) number(task, "outputQuality", 20, 99, true);
  const scheduler = optionalString(task, "scheduler");
  if (scheduler !== null && !SCHEDULERS.includes(scheduler)) {
    throw new RunwareError("invalidScheduler", `Invalid value for scheduler parameter. FLUX.1 Fill samples with flow-matching Euler: one of ${SCHEDULERS.join(", ")}`, {
      parameter: "scheduler",
      type: "string",
      allowedValues: SCHEDULERS,
    });
  }
  return {
    taskType: "imageInference",
    taskUUID,
    model,
    positivePrompt,
    negativePrompt: prompt(task, "negativePrompt", false),
    seedImage: imageValue(task, "seedImage"),
    outpaint,
    width,
    height,
    steps: task.steps === undefined ? null : number(task, "steps", 1, 100, true),
    CFGScale: task.CFGScale === undefined ? null : number(task, "CFGScale", 0, 50, false),
    seed: task.seed === undefined ? null : number(task, "seed", 0, LIMITS.maxSeed, true),
    numberResults: task.numberResults === undefined ? 1 : number(task, "numberResults", 1, MAX_RESULTS, true),
    outputTypes: outputTypes(task),
    outputFormat: outputFormat(task),
    includeCost: boolean(task, "includeCost"),
    webhookURL: optionalString(task, "webhookURL"),
    deliveryMethod: oneOf(task, "deliveryMethod", ["sync", "async"], "sync"),
  };
}

function onlyKnown(task: Raw, known: readonly string[]): void {
  for (const key of Object.keys(task)) {
    if (!known.includes(key)) {
      throw new RunwareError("unsupportedParameter", `This server does not support the ${key} parameter for ${String(task.taskType)}; it takes ${known.join(", ")}`, {
        parameter: key,
        allowedValues: known,
      });
    }
  }
}

function taskUuid(task: Raw): string {
  const value = task.taskUUID;
  if (value === undefined) throw new RunwareError("missingTaskUUID", "Missing taskUUID parameter. Every task needs a UUID v4 of the client's", { parameter: "taskUUID", type: "string" });
  if (typeof value !== "string" || !UUID.test(value)) {
    throw new RunwareError("invalidTaskUUID", `Invalid value for taskUUID parameter. Expected a UUID such as 50836053-a0ee-4cf5-b9d6-ae7c5d140ada but received ${JSON.stringify(value)}`, {
      parameter: "taskUUID",
      type: "string",
    });
  }
  return value.toLowerCase();
}

function isObject(value: unknown): boolean {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

function optionalString(task: Raw, name: string): string | null {
  const value = task[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw new RunwareError(invalidCode(name), `Invalid value for ${name} parameter. Expected a string`, { parameter: name, type: "string" });
  return value;
}

function requiredString(task: Raw, name: string): string {
  const value = optionalString(task, name);
  if (value === null || value === "") {
    throw new RunwareError(missingCode(name), `Missing ${name} parameter`, { parameter: name, type: "string" });
  }
  return value;
}

/** 2 to 3000 characters, or "__BLANK__" (no text guidance, returned as null). */
function prompt(task: Raw, name: string, required: boolean): string | null {
  const value = required ? requiredString(task, name) : optionalString(task, name);
  if (value === null || value === BLANK_PROMPT) return null;
  if (value.length < 2 || value.length > LIMITS.maxPromptLength) {
    throw new RunwareError(`${invalidCode(name)}Length`, `Invalid value for ${name} parameter. It must be 2 to ${LIMITS.maxPromptLength} characters, or ${BLANK_PROMPT}; it has ${value.length}`, {
      parameter: name,
      type: "string",
    });
  }
  return value;
}

function number(task: Raw, name: string, min: number, max: number, integer: boolean): number {
  const value = task[name];
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new RunwareError(invalidCode(name), `Invalid value for ${name} parameter. It must be ${integer ? "an integer" : "a number"} between ${min} and ${max}; received ${JSON.stringify(value)}`, {
      parameter: name,
      type: integer ? "integer" : "float",
    });
  }
  return value;
}

function boolean(task: Raw, name: string): boolean {
  const value = task[name];
  if (value === undefined) return false;
  if (typeof value !== "boolean") throw new RunwareError(invalidCode(name), `Invalid value for ${name} parameter. Expected true or false`, { parameter: name, type: "boolean" });
  return value;
}

function oneOf<T extends string>(task: Raw, name: string, values: readonly T[], fallback: T): T {
  const value = task[name];
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !(values as readonly string[]).includes(value)) {
    throw new RunwareError(invalidCode(name), `Invalid value for ${name} parameter. It must be one of ${values.join(", ")}; received ${JSON.stringify(value)}`, {
      parameter: name,
      type: "string",
      allowedValues: values,
    });
  }
  return value as T;
}

/** Multiples of 64, 128 to 2048 (Runware's rule for width and height). */
function dimension(task: Raw, name: "width" | "height"): number {
  if (task[name] === undefined) throw new RunwareError(missingCode(name), `Missing ${name} parameter. Give the final canvas: the seed image plus the outpaint extensions`, { parameter: name, type: "integer" });
  const value = number(task, name, 128, 2048, true);
  if (value % 64 !== 0) {
    throw new RunwareError(invalidCode(name), `Invalid value for ${name} parameter. It must be a multiple of 64 between 128 and 2048; received ${value}`, { parameter: name, type: "integer" });
  }
  return value;
}

function outpaintValue(task: Raw): InferenceTask["outpaint"] {
  const value = task.outpaint;
  if (value === undefined) {
    throw new RunwareError("missingOutpaint", "Missing outpaint parameter. This server outpaints: give { top, right, bottom, left } in pixels, multiples of 64", { parameter: "outpaint", type: "object" });
  }
  if (!isObject(value)) throw new RunwareError("invalidOutpaint", "Invalid value for outpaint parameter. Expected { top, right, bottom, left, blur }", { parameter: "outpaint", type: "object" });
  const sides = value as Raw;
  for (const key of Object.keys(sides)) {
    if (!["top", "right", "bottom", "left", "blur"].includes(key)) {
      throw new RunwareError("invalidOutpaint", `Invalid value for outpaint parameter. It takes top, right, bottom, left and blur, not ${key}`, { parameter: `outpaint.${key}`, type: "integer" });
    }
  }
  const side = (name: "top" | "right" | "bottom" | "left") => {
    if (sides[name] === undefined) return 0;
    const n = sides[name];
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n % 64 !== 0) {
      throw new RunwareError("invalidOutpaint", `Invalid value for outpaint.${name} parameter. It must be 0 or a positive multiple of 64; received ${JSON.stringify(n)}`, {
        parameter: `outpaint.${name}`,
        type: "integer",
      });
    }
    return n;
  };
  const blur = sides.blur === undefined ? 0 : sides.blur;
  if (typeof blur !== "number" || !Number.isInteger(blur) || blur < 0 || blur > 32) {
    throw new RunwareError("invalidOutpaint", `Invalid value for outpaint.blur parameter. It must be an integer between 0 and 32; received ${JSON.stringify(blur)}`, {
      parameter: "outpaint.blur",
      type: "integer",
    });
  }
  return { top: side("top"), right: side("right"), bottom: side("bottom"), left: side("left"), blur };
}

/** A UUID of an image this server holds, a data URI, bare base64 or an http(s) URL (Runware takes all four). */
function imageValue(task: Raw, name: string): ImageInputValue {
  const value = task[name];
  if (typeof value !== "string" || value.length === 0) {
    throw new RunwareError(invalidCode(name), `Invalid value for ${name} parameter. Expected an image UUID, a data URI, base64 data or a URL`, { parameter: name, type: "string" });
  }
  if (UUID.test(value)) return { id: value.toLowerCase() };
  if (value.startsWith("data:")) return { dataUri: value };
  if (/^https?:\/\//i.test(value)) return { url: value };
  return { base64: value };
}

function outputTypes(task: Raw): RunwareOutputType[] {
  const value = task.outputType;
  if (value === undefined) return ["URL"];
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.some((item) => !OUTPUT_TYPES.includes(item as RunwareOutputType))) {
    throw new RunwareError("invalidOutputType", `Invalid value for outputType parameter. It must be one of ${OUTPUT_TYPES.join(", ")} (or a list of them); received ${JSON.stringify(value)}`, {
      parameter: "outputType",
      type: "string",
      allowedValues: OUTPUT_TYPES,
    });
  }
  return [...new Set(list as RunwareOutputType[])];
}

/** JPG (Runware's default), PNG or WEBP, in any case; JPEG too. */
function outputFormat(task: Raw): InferenceTask["outputFormat"] {
  const value = task.outputFormat;
  if (value === undefined) return "JPEG";
  const name = typeof value === "string" ? value.toUpperCase() : "";
  if (name === "JPG" || name === "JPEG") return "JPEG";
  if (name === "PNG" || name === "WEBP") return name;
  throw new RunwareError("invalidOutputFormat", `Invalid value for outputFormat parameter. It must be one of JPG, PNG, WEBP; received ${JSON.stringify(value)}`, {
    parameter: "outputFormat",
    type: "string",
    allowedValues: ["JPG", "PNG", "WEBP"],
  });
}
