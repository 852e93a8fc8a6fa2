import assert from "node:assert/strict";
import { test } from "node:test";
import { InputError } from "../../src/core/errors.js";
import { parsePromptText } from "../../src/core/prompt-text.js";
import { planPrompt } from "../../src/services/prompt-plan.js";

// Astria's three documented requests (../shared/seeds/000_*), planned before any pixel is read.

const LORA_TEXT = "<lora:1533312:1.0> ohwx woman, dressed in cozy peach sweater, shoulders up, depth of field";
const CLEAN_TEXT = "ohwx woman, dressed in cozy peach sweater, shoulders up, depth of field";
const plan = (text: string, sizes: { w?: number; h?: number; ar?: string; denoisingStrength?: number; guidance?: number }, input: { width: number; height: number } | null) =>
  planPrompt(
    parsePromptText(text, "text"),
    { w: sizes.w ?? null, h: sizes.h ?? null, ar: sizes.ar ?? null, denoisingStrength: sizes.denoisingStrength ?? 0, guidance: sizes.guidance ?? null },
    input,
  );

test("outpaint only: an input image, denoising strength 0: no generate stage, the image placed top-center", () => {
  const planned = plan("--outpaint top-center --outpaint_width 864 --outpaint_height 1296", {}, { width: 512, height: 512 });
  assert.equal(planned.generate, null);
  assert.deepEqual(planned.placement, { canvasWidth: 864, canvasHeight: 1296, x: 176, y: 0, width: 512, height: 512 });
  assert.deepEqual([planned.outpaints, planned.outpaintPrompt], [true, null]);
});

test("txt2img + outpaint: the 1024x1024 image from the text, then placed top-center on 1792x1024 and outpainted with --outpaint_prompt", () => {
  const planned = plan(`${LORA_TEXT} --outpaint top-center --outpaint_width 1792 --outpaint_height 1024 --outpaint_prompt "fields"`, { w: 1024, h: 1024 }, null);
  assert.deepEqual(planned.generate, { from: "TEXT", width: 1024, height: 1024, prompt: CLEAN_TEXT, strength: 1, guidance: null });
  assert.deepEqual(planned.placement, { canvasWidth: 1792, canvasHeight: 1024, x: 384, y: 0, width: 1024, height: 1024 });
  assert.deepEqual([planned.outpaints, planned.outpaintPrompt], [true, "fields"]);
});

test("txt2img + multi-person outpaint: left-center, the second subject in --outpaint_prompt", () => {
  const planned = plan(`${LORA_TEXT} --outpaint left-center --outpaint_width 1792 --outpaint_height 1024 --outpaint_prompt "president Trump the middle of the field"`, { w: 1024, h: 1024 }, null);
  assert.equal(planned.generate?.from, "TEXT");
  assert.deepEqual(planned.placement, { canvasWidth: 1792, canvasHeight: 1024, x: 0, y: 0, width: 1024, height: 1024 });
  assert.equal(planned.outpaintPrompt, "president Trump the middle of the field");
});

test("without --outpaint_prompt the outpaint stage takes the main text; without flags a generated image is the whole result", () => {
  assert.equal(plan(`${CLEAN_TEXT} --outpaint right-center --outpaint_width 1536`, {}, null).outpaintPrompt, CLEAN_TEXT);
  const only = plan(CLEAN_TEXT, { w: 768, h: 512 }, null);
  assert.deepEqual([only.outpaints, only.placement.canvasWidth, only.placement.canvasHeight], [false, 768, 512]);
});

test("img2img: an input image with denoising strength above 0 is redone first at that strength, at its own size", () => {
  const planned = plan(`${CLEAN_TEXT} --outpaint center --outpaint_width 900`, { denoisingStrength: 0.55, guidance: 4 }, { width: 600, height: 400 });
  assert.deepEqual(planned.generate, { from: "IMAGE", width: 600, height: 400, prompt: CLEAN_TEXT, strength: 0.55, guidance: 4 }, "cfg_scale given: it rules this stage too");
  assert.deepEqual(planned.placement, { canvasWidth: 900, canvasHeight: 400, x: 150, y: 0, width: 600, height: 400 });
  assert.equal(plan(CLEAN_TEXT, { denoisingStrength: 0.5 }, { width: 600, height: 400 }).outpaints, false, "image to image alone");
});

test("the generated size: w and h on FLUX.1's 16 px grid, or ar at about a megapixel, or 1024x1024", () => {
  assert.deepEqual([plan(CLEAN_TEXT, {}, null).generate?.width, plan(CLEAN_TEXT, {}, null).generate?.height], [1024, 1024]);
  const wide = plan(CLEAN_TEXT, { ar: "16:9" }, null).generate!;
  assert.deepEqual([wide.width, wide.height], [1360, 768]);
  const field = (sizes: { w?: number; h?: number }) => {
    try {
      plan(CLEAN_TEXT, sizes, null);
    } catch (error) {
      return (error as InputError).field;
    }
    return "accepted";
  };
  assert.equal(field({ w: 1000, h: 1024 }), "w");
  assert.equal(field({ w: 1024, h: 4096 }), "h");
  assert.equal(field({ w: 128, h: 1024 }), "w");
});

test("an input image with neither flags nor a strength has nothing to do: refused naming the text", () => {
  assert.throws(() => plan(CLEAN_TEXT, {}, { width: 600, height: 400 }), (error: unknown) => error instanceof InputError && error.field === "text");
});
