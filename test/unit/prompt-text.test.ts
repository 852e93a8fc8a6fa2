import assert from "node:assert/strict";
import { test } from "node:test";
import { InputError } from "../../src/core/errors.js";
import { parsePromptText } from "../../src/core/prompt-text.js";

test("Astria's outpaint-only example parses into anchor and size", () => {
  const parsed = parsePromptText("--outpaint top-center --outpaint_width 864 --outpaint_height 1296", "text");
  assert.deepEqual(parsed, { text: "", outpaint: { anchor: "TOP_CENTER", width: 864, height: 1296, prompt: null }, loras: [] });
});

test("text, LoRA tags and a quoted outpaint prompt are separated", () => {
  const parsed = parsePromptText(
    'portrait of ohwx woman <lora:123:0.8> on a beach --outpaint bottom-left --outpaint_width 1536 --outpaint_prompt "a \\"sunny\\" beach"',
    "text",
  );
  assert.equal(parsed.text, "portrait of ohwx woman on a beach");
  assert.deepEqual(parsed.loras, [{ id: "123", weight: 0.8 }]);
  assert.deepEqual(parsed.outpaint, { anchor: "BOTTOM_LEFT", width: 1536, height: null, prompt: 'a "sunny" beach' });
});

test("text without flags has no outpaint", () => {
  assert.deepEqual(parsePromptText("  a red  barn ", "text"), { text: "a red barn", outpaint: null, loras: [] });
});

function refused(source: string, pattern: RegExp) {
  assert.throws(
    () => parsePromptText(source, "text"),
    (error: unknown) => error instanceof InputError && error.field === "text" && pattern.test(error.message),
  );
}

test("errors give the position and what was expected", () => {
  refused("a cat --zoom 2", /^Expected one of --outpaint, --outpaint_width, --outpaint_height, --outpaint_prompt at character 7 for text but received "--zoom"$/);
  refused("--outpaint middle", /an anchor \(top-left, .*\) at character 12 .* received "middle"/);
  refused("--outpaint center --outpaint_width 12x", /integer between 1 and 8192 for --outpaint_width at character 36/);
  refused("--outpaint center --outpaint_width 0", /integer between 1 and 8192/);
  refused('--outpaint center --outpaint_prompt "never closed', /closing " for the quote opened at character 37/);
  refused("--outpaint", /a value after --outpaint at character 1/);
  refused("--outpaint center --outpaint left-center", /--outpaint once/);
  refused("--outpaint_width 900", /--outpaint <anchor> together with at character 18 .* received "--outpaint_width alone"/);
  refused("a <lora:abc> cat", /a tag of the form <lora:ID:weight> at character 3/);
  refused("a <lora:abc:7> cat", /LoRA weight between -2 and 2/);
});
