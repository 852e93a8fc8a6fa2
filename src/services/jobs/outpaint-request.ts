import { randomInt } from "node:crypto";
import { described, InputError } from "../../core/errors.js";
import {
  isSidePreset,
  placeByAnchor,
  placeByExtension,
  presetPlacement,
  type Anchor,
  type Placement,
  type Preset,
  type Size,
} from "../../core/geometry.js";
import { IMAGE_FORMATS, type ImageFormat } from "../../core/image-format.js";
import { INFILL_METHODS, type InfillMethod, type JobOptions } from "../../core/job.js";
import type { ImageInputValue } from "../images/image-input.js";
import { int, oneOf, optionalHttpUrl, optionalInt, optionalNumber, optionalText } from "../validate.js";

// The ranges and defaults of an outpaint request, and its validation. Field names are those of
// the GraphQL OutpaintInput.

export const LIMITS = {
  maxCanvasSide: 8192,
  /** PATCHMATCH works on the whole canvas at once; larger canvases take EDGE, TILE or COLOR. */
  maxPatchMatchPixels: 4096 * 4096,
  maxBlur: 64,
  maxPromptLength: 3000,
  maxNumImages: 10,
  maxSeed: 2147483647,
  steps: { min: 1, max: 150, default: 50 },
  guidance: { min: 0, max: 100, default: 30 },
} as const;

/** FLUX.1 Fill samples with the flow-matching Euler scheduler; euler_a (Astria's default name) is taken as the same. */
export const SCHEDULERS = ["euler", "euler_a"] as const;
export const BLANK_PROMPT = "__BLANK__";

export interface ExtendValue {
  top?: number | null;
  right?: number | null;
  bottom?: number | null;
  left?: number | null;
}

/** Runware's shape: an extension per side and the feather, in one object. */
export interface RunwareOutpaintValue extends ExtendValue {
  blur?: number | null;
}

export interface TargetValue {
  width: number;
  height: number;
  anchor?: Anchor | null;
}

export interface OutpaintRequest {
  tuneId?: string | null;
  image: ImageInputValue;
  extend?: ExtendValue | null;
  target?: TargetValue | null;
  preset?: Preset | null;
  /** For EXTEND_* presets: the side grows to this many times the image's extent. */
  presetFactor?: number | null;
  /** Alias of extend (and blur) for clients written for Runware. */
  outpaint?: RunwareOutpaintValue | null;
  blur?: number | null;
  prompt?: string | null;
  negativePrompt?: string | null;
  seed?: number | null;
  steps?: number | null;
  guidance?: number | null;
  scheduler?: string | null;
  strength?: number | null;
  infill?: InfillMethod | null;
  numImages?: number | null;
  outputFormat?: ImageFormat | null;
  callbackUrl?: string | null;
  /** When given, the final canvas must be exactly this size (Runware's width and height). */
  canvas?: { width: number; height: number } | null;
}

/** How the new size is given, validated as far as it can be without the image. */
export type SizeRule =
  | { kind: "extend"; top: number; right: number; bottom: number; left: number; /** The input field it came from. */ field: "extend" | "outpaint" }
  | { kind: "target"; width: number; height: number; anchor: Anchor }
  | { kind: "preset"; preset: Preset; factor: number };

/** Everything of a request that does not depend on the image, with defaults applied. */
export interface OutpaintFields {
  size: SizeRule;
  numImages: number;
  callbackUrl: string | null;
  /** The spec of the first job, without its placement; job i gets seed + i. */
  spec: JobOptions;
}

export function validateOutpaintFields(request: OutpaintRequest): OutpaintFields {
  return {
    size: validateSizeRule(request),
    numImages: optionalInt(request.numImages, "numImages", 1, LIMITS.maxNumImages, 1),
    callbackUrl: optionalHttpUrl(request.callbackUrl, "callbackUrl"),
    spec: {
      infill: oneOf(request.infill, "infill", INFILL_METHODS, "PATCHMATCH"),
      blur: validateBlur(request),
      ...validateSampling(request),
      outputFormat: oneOf(request.outputFormat, "outputFormat", IMAGE_FORMATS, "PNG"),
      prompt: textGuidance(optionalText(request.prompt, "prompt", LIMITS.maxPromptLength)),
      negativePrompt: textGuidance(optionalText(request.negativePrompt, "negativePrompt", LIMITS.maxPromptLength)),
      strength: optionalNumber(request.strength, "strength", 0, 1, 1),
    },
  };
}

export interface SamplingValues {
  seed?: number | null;
  steps?: number | null;
  guidance?: number | null;
  scheduler?: string | null;
}

export type Sampling = Pick<JobOptions, "seed" | "steps" | "guidance" | "scheduler">;

/**
 * The sampler's settings, which outpaint jobs and prompts share, with their defaults (a random
 * seed). `guidanceField` is guidance's name in the request (a prompt calls it cfgScale, as Astria does).
 */
export function validateSampling(values: SamplingValues, guidanceField = "guidance"): Sampling {
  return {
    seed: optionalInt(values.seed, "seed", 0, LIMITS.maxSeed, randomInt(0, LIMITS.maxSeed)),
    steps: optionalInt(values.steps, "steps", LIMITS.steps.min, LIMITS.steps.max, LIMITS.steps.default),
    guidance: optionalNumber(values.guidance, guidanceField, LIMITS.guidance.min, LIMITS.guidance.max, LIMITS.guidance.default),
    scheduler: oneOf(values.scheduler, "scheduler", SCHEDULERS, "euler"),
  };
}

/** "__BLANK__", empty and whitespace-only prompts mean no text guidance. */
export function textGuidance(text: string | null): string | null {
  if (text === null) return null;
  const trimmed = text.trim();
  return trimmed === "" || trimmed === BLANK_PROMPT ? null : text;
}

const PRESET_FACTOR = { min: 1.05, max: 4, default: 1.5 };

/** The feather, from `blur` or from the Runware alias's own `blur` (not both). */
function validateBlur(request: OutpaintRequest): number {
  const aliasBlur = request.outpaint?.blur;
  if (aliasBlur !== null && aliasBlur !== undefined) {
    if (request.blur !== null && request.blur !== undefined) {
      throw new InputError("blur", "blur or outpaint.blur, not both", described("both"));
    }
    return int(aliasBlur, "outpaint.blur", 0, LIMITS.maxBlur);
  }
  return optionalInt(request.blur, "blur", 0, LIMITS.maxBlur, 0);
}

function validateSizeRule(request: OutpaintRequest): SizeRule {
  const given = (["extend", "target", "preset", "outpaint"] as const).filter((key) => request[key] !== null && request[key] !== undefined);
  if (given.length !== 1) {
    throw new InputError(
      "input",
      "exactly one of extend, target, preset or outpaint",
      described(given.length === 0 ? "none of them" : given.join(" and ")),
    );
  }
  if (request.presetFactor !== null && request.presetFactor !== undefined && !(request.preset && isSidePreset(request.preset))) {
    throw new InputError("presetFactor", "no presetFactor except with an EXTEND_* preset", request.presetFactor);
  }
  const side = LIMITS.maxCanvasSide;
  const sides = request.extend ?? request.outpaint;
  if (sides) {
    const name = request.extend ? "extend" : "outpaint";
    return {
      kind: "extend",
      field: name,
      top: optionalInt(sides.top, `${name}.top`, 0, side, 0),
      right: optionalInt(sides.right, `${name}.right`, 0, side, 0),
      bottom: optionalInt(sides.bottom, `${name}.bottom`, 0, side, 0),
      left: optionalInt(sides.left, `${name}.left`, 0, side, 0),
    };
  }
  if (request.target) {
    return {
      kind: "target",
      width: int(request.target.width, "target.width", 1, side),
      height: int(request.target.height, "target.height", 1, side),
      anchor: request.target.anchor ?? "CENTER",
    };
  }
  return {
    kind: "preset",
    preset: request.preset!,
    factor: optionalNumber(request.presetFactor, "presetFactor", PRESET_FACTOR.min, PRESET_FACTOR.max, PRESET_FACTOR.default),
  };
}

/** Field names errors use for a target size; prompts give their target as text flags. */
export interface TargetFieldNames {
  width: string;
  height: string;
  size: string;
}
const TARGET_FIELDS: TargetFieldNames = { width: "target.width", height: "target.height", size: "target" };

/**
 * Checks what depends on both the image and the canvas: the feather band must leave at least half
 * the image untouched, and PATCHMATCH has a canvas limit.
 */
export function checkSpecAgainstImage(spec: JobOptions, placement: Placement): void {
  const maxBlur = Math.floor(Math.min(placement.width, placement.height) / 4);
  if (spec.blur > maxBlur) {
    throw new InputError("blur", `an integer between 0 and ${maxBlur} (a quarter of the ${placement.width}x${placement.height} image's shorter side)`, spec.blur);
  }
  const pixels = placement.canvasWidth * placement.canvasHeight;
  if (spec.infill === "PATCHMATCH" && pixels > LIMITS.maxPatchMatchPixels) {
    throw new InputError(
      "infill",
      `EDGE, TILE or COLOR for a canvas over ${LIMITS.maxPatchMatchPixels} pixels (PATCHMATCH takes up to 4096x4096)`,
      described(`PATCHMATCH for ${placement.canvasWidth}x${placement.canvasHeight}`),
    );
  }
}

/** Where the original goes; refuses canvases that are too large or add nothing. */
export function planPlacement(rule: SizeRule, original: Size, targetFields: TargetFieldNames = TARGET_FIELDS): Placement {
  const side = LIMITS.maxCanvasSide;
  const image = `${original.width}x${original.height}`;
  let placement: Placement;
  switch (rule.kind) {
    case "extend":
      placement = placeByExtension(original, rule);
      if (placement.canvasWidth === original.width && placement.canvasHeight === original.height) {
        throw new InputError(rule.field, "at least one side greater than 0", described("0 on every side"));
      }
      // The error names the larger side of the pair, the one to shorten.
      if (placement.canvasWidth > side) {
        const field = `${rule.field}.${rule.right > rule.left ? "right" : "left"}`;
        throw new InputError(field, `left + right of at most ${side - original.width} for a ${image} image`, rule.left + rule.right);
      }
      if (placement.canvasHeight > side) {
        const field = `${rule.field}.${rule.bottom > rule.top ? "bottom" : "top"}`;
        throw new InputError(field, `top + bottom of at most ${side - original.height} for a ${image} image`, rule.top + rule.bottom);
      }
      return placement;
    case "target":
      if (rule.width < original.width) {
        throw new InputError(targetFields.width, `an integer between ${original.width} and ${side} (the image is ${image})`, rule.width);
      }
      if (rule.height < original.height) {
        throw new InputError(targetFields.height, `an integer between ${original.height} and ${side} (the image is ${image})`, rule.height);
      }
      if (rule.width === original.width && rule.height === original.height) {
        throw new InputError(targetFields.size, `a size larger than the ${image} image in at least one dimension`, described(`${rule.width}x${rule.height}`));
      }
      return placeByAnchor(original, rule, rule.anchor);
    case "preset": {
      placement = presetPlacement(original, rule.preset, rule.factor);
      const canvas = `${placement.canvasWidth}x${placement.canvasHeight}`;
      if (placement.canvasWidth === original.width && placement.canvasHeight === original.height) {
        throw new InputError("preset", `a preset that enlarges a ${image} image`, described(rule.preset));
      }
      if (placement.canvasWidth > side || placement.canvasHeight > side) {
        throw new InputError("preset", `a preset whose canvas fits in ${side}x${side} for a ${image} image`, described(`${rule.preset} (${canvas})`));
      }
      return placement;
    }
  }
}
