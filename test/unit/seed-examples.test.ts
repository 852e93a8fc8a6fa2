import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePromptText } from "../../src/core/prompt-text.js";
import { planPlacement, validateOutpaintFields } from "../../src/services/jobs/outpaint-request.js";

// Every example of the two documents the project was created from (../shared/seeds/): Astria's
// outpainting prompts and Runware's outpaint requests.

const LORA_TEXT = "<lora:1533312:1.0> ohwx woman, dressed in cozy peach sweater, shoulders up, depth of field";

const astria = [
  {
    name: "outpaint only",
    text: "--outpaint top-center --outpaint_width 864 --outpaint_height 1296",
    parsed: { text: "", loras: [], outpaint: { anchor: "TOP_CENTER", width: 864, height: 1296, prompt: null } },
  },
  {
    name: "txt2img + outpainting",
    text: `${LORA_TEXT} --outpaint top-center --outpaint_width 1792 --outpaint_height 1024 --outpaint_prompt "fields"`,
    parsed: {
      text: "ohwx woman, dressed in cozy peach sweater, shoulders up, depth of field",
      loras: [{ id: "1533312", weight: 1 }],
      outpaint: { anchor: "TOP_CENTER", width: 1792, height: 1024, prompt: "fields" },
    },
  },
  {
    name: "txt2img + multi-person outpainting",
    text: `${LORA_TEXT} --outpaint left-center --outpaint_width 1792 --outpaint_height 1024 --outpaint_prompt "president Trump the middle of the field"`,
    parsed: {
      text: "ohwx woman, dressed in cozy peach sweater, shoulders up, depth of field",
      loras: [{ id: "1533312", weight: 1 }],
      outpaint: { anchor: "LEFT_CENTER", width: 1792, height: 1024, prompt: "president Trump the middle of the field" },
    },
  },
];

for (const example of astria) {
  test(`Astria: ${example.name}`, () => {
    assert.deepEqual(parsePromptText(example.text, "text"), example.parsed);
  });
}

const runware = [
  { name: "basic: 256 px on every side to 1280x1280", outpaint: { top: 256, right: 256, bottom: 256, left: 256 }, width: 1280, height: 1280, blur: 0 },
  { name: "with blur: to 768x1024", outpaint: { top: 256, right: 128, bottom: 256, left: 128, blur: 16 }, width: 768, height: 1024, blur: 16 },
];

for (const example of runware) {
  test(`Runware: ${example.name}`, () => {
    const { blur: _blur, ...sides } = example.outpaint as typeof example.outpaint & { blur?: number };
    const original = { width: example.width - sides.left - sides.right, height: example.height - sides.top - sides.bottom };
    const fields = validateOutpaintFields({ image: { id: "seed-image" }, outpaint: example.outpaint, prompt: "__BLANK__" });
    const placement = planPlacement(fields.size, original);
    assert.deepEqual([placement.canvasWidth, placement.canvasHeight, placement.x, placement.y], [example.width, example.height, sides.left, sides.top]);
    assert.equal(fields.spec.blur, example.blur);
    assert.equal(fields.spec.prompt, null, "__BLANK__ means no text guidance");
  });
}
