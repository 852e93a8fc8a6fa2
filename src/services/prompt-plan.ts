import { InputError } from "../core/errors.js";
import type { Placement, Size } from "../core/geometry.js";
import type { GenerateSpec } from "../core/job.js";
import type { ParsedPromptText } from "../core/prompt-text.js";
import { planPlacement, textGuidance } from "./jobs/outpaint-request.js";

// What a prompt makes, before any pixel is read: Astria's three requests.
//   input image, denoising_strength 0   outpaint the image as it is
//   input image, denoising_strength > 0 image to image first (IMG2IMG), then outpaint that
//   no input image                      the w x h image from the text first (TXT2IMG), then outpaint it
// The --outpaint flags place the original (the input, or the generated image) on the canvas;
// without them a generated image is the whole result.

/** FLUX.1 works on a 16 px grid (8x VAE, 2x2 packing). */
const GRID = 16;
const GENERATE_SIDE = { min: 256, max: 2048, default: 1024 };

export interface PromptPlan {
  /** The stage before the outpaint, if any. */
  generate: GenerateSpec | null;
  /** Where the original goes; the canvas is the final image. */
  placement: Placement;
  /** False when a generated image is the whole result: no outpaint pass runs. */
  outpaints: boolean;
  /** The outpaint stage's text guidance: --outpaint_prompt, else the prompt's text. */
  outpaintPrompt: string | null;
}

export interface PromptSizes {
  w: number | null;
  h: number | null;
  ar: string | null;
  denoisingStrength: number;
  /** The prompt's own cfg_scale, if it gave one. */
  guidance: number | null;
}

const FLAG_FIELDS = { width: "text (--outpaint_width)", height: "text (--outpaint_height)", size: "text (--outpaint_width/--outpaint_height)" };

/** `input` is the input image's size, or null when the prompt has none. */
export function planPrompt(parsed: ParsedPromptText, sizes: PromptSizes, input: Size | null): PromptPlan {
  const text = textGuidance(parsed.text);
  const generate: GenerateSpec | null = input
    ? sizes.denoisingStrength > 0
      ? { from: "IMAGE", width: input.width, height: input.height, prompt: text, strength: sizes.denoisingStrength, guidance: sizes.guidance }
      : null
    : { from: "TEXT", ...generatedSize(sizes), prompt: text, strength: 1, guidance: sizes.guidance };
  const original = generate ?? input!;
  const flags = parsed.outpaint;
  if (!flags) {
    if (!generate) throw new InputError("text", "--outpaint <anchor> flags, or a denoising strength above 0 (image to image)", parsed.text);
    const placement = { canvasWidth: original.width, canvasHeight: original.height, x: 0, y: 0, width: original.width, height: original.height };
    return { generate, placement, outpaints: false, outpaintPrompt: null };
  }
  const placement = planPlacement(
    { kind: "target", width: flags.width ?? original.width, height: flags.height ?? original.height, anchor: flags.anchor },
    { width: original.width, height: original.height },
    FLAG_FIELDS,
  );
  return { generate, placement, outpaints: true, outpaintPrompt: textGuidance(flags.prompt ?? parsed.text) };
}

/** The size of the image made from text: w and h, or the aspect ratio ar at about a megapixel, or 1024x1024. */
function generatedSize({ w, h, ar }: PromptSizes): Size {
  if (w !== null || h !== null) return { width: onGrid(w ?? GENERATE_SIDE.default, "w"), height: onGrid(h ?? GENERATE_SIDE.default, "h") };
  if (ar !== null) {
    const [across = 1, down = 1] = ar.split(":").map(Number);
    const area = GENERATE_SIDE.default * GENERATE_SIDE.default;
    const width = Math.round(Math.sqrt((area * across) / down) / GRID) * GRID;
    const height = Math.round(Math.sqrt((area * down) / across) / GRID) * GRID;
    return { width: clampToGrid(width), height: clampToGrid(height) };
  }
  return { width: GENERATE_SIDE.default, height: GENERATE_SIDE.default };
}

function onGrid(value: number, field: string): number {
  if (value < GENERATE_SIDE.min || value > GENERATE_SIDE.max || value % GRID !== 0) {
    throw new InputError(field, `a multiple of ${GRID} between ${GENERATE_SIDE.min} and ${GENERATE_SIDE.max} for the image generated from text (FLUX.1's 16 px grid)`, value);
  }
  return value;
}

function clampToGrid(value: number): number {
  return Math.min(GENERATE_SIDE.max, Math.max(GENERATE_SIDE.min, value));
}

