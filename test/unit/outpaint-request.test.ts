import assert from "node:assert/strict";
import { test } from "node:test";
import { InputError } from "../../src/core/errors.js";
import { planPlacement, textGuidance, validateOutpaintFields, type OutpaintRequest } from "../../src/services/jobs/outpaint-request.js";

const image = { id: "x" };

test("defaults are applied and documented ranges accepted", () => {
  const fields = validateOutpaintFields({ image, extend: { right: 128 } });
  assert.deepEqual(fields.size, { kind: "extend", field: "extend", top: 0, right: 128, bottom: 0, left: 0 });
  assert.equal(fields.numImages, 1);
  const { seed, ...spec } = fields.spec;
  assert.ok(Number.isInteger(seed) && seed >= 0);
  assert.deepEqual(spec, {
    infill: "PATCHMATCH",
    blur: 0,
    outputFormat: "PNG",
    prompt: null,
    negativePrompt: null,
    steps: 50,
    guidance: 30,
    scheduler: "euler",
    strength: 1,
  });
});

test("__BLANK__, empty and whitespace prompts mean no text guidance", () => {
  assert.equal(textGuidance("__BLANK__"), null);
  assert.equal(textGuidance("   "), null);
  assert.equal(textGuidance("a lake"), "a lake");
});

function refused(request: Partial<OutpaintRequest>, field: string) {
  assert.throws(
    () => validateOutpaintFields({ image, ...request } as OutpaintRequest),
    (error: unknown) => error instanceof InputError && error.field === field,
    field,
  );
}

test("each out-of-range field is named", () => {
  refused({}, "input");
  refused({ extend: { top: 1 }, preset: "ZOOM_OUT_2X" }, "input");
  refused({ extend: { top: 1.5 } }, "extend.top");
  refused({ extend: { bottom: 8193 } }, "extend.bottom");
  refused({ target: { width: 0, height: 10 } }, "target.width");
  refused({ extend: { top: 1 }, blur: -1 }, "blur");
  refused({ extend: { top: 1 }, seed: 2 ** 31 }, "seed");
  refused({ extend: { top: 1 }, numImages: 11 }, "numImages");
  refused({ extend: { top: 1 }, guidance: Number.NaN }, "guidance");
  refused({ extend: { top: 1 }, scheduler: "DPM++" }, "scheduler");
});

test("Runware's outpaint shape is an alias of extend and blur", () => {
  const fields = validateOutpaintFields({ image, outpaint: { top: 256, right: 128, bottom: 256, left: 128, blur: 16 } });
  assert.deepEqual(fields.size, { kind: "extend", field: "outpaint", top: 256, right: 128, bottom: 256, left: 128 });
  assert.equal(fields.spec.blur, 16);
  refused({ outpaint: { top: 64 }, extend: { top: 64 } }, "input");
  refused({ outpaint: { top: 64, blur: 8 }, blur: 8 }, "blur");
  refused({ outpaint: { left: -64 } }, "outpaint.left");
});

test("side presets grow one side by a factor; the factor belongs to them alone", () => {
  const fields = validateOutpaintFields({ image, preset: "EXTEND_RIGHT", presetFactor: 2 });
  assert.deepEqual(planPlacement(fields.size, { width: 400, height: 300 }), { canvasWidth: 800, canvasHeight: 300, x: 0, y: 0, width: 400, height: 300 });
  const top = validateOutpaintFields({ image, preset: "EXTEND_TOP" });
  assert.deepEqual(planPlacement(top.size, { width: 400, height: 301 }), { canvasWidth: 400, canvasHeight: 452, x: 0, y: 151, width: 400, height: 301 });
  refused({ preset: "ZOOM_OUT_2X", presetFactor: 2 }, "presetFactor");
  refused({ preset: "EXTEND_LEFT", presetFactor: 9 }, "presetFactor");
});

test("placement is checked against the image", () => {
  const original = { width: 400, height: 300 };
  assert.deepEqual(planPlacement({ kind: "target", width: 500, height: 300, anchor: "RIGHT_CENTER" }, original), {
    canvasWidth: 500,
    canvasHeight: 300,
    x: 100,
    y: 0,
    width: 400,
    height: 300,
  });
  assert.throws(() => planPlacement({ kind: "extend", field: "extend", top: 0, right: 0, bottom: 0, left: 0 }, original), /at least one side/);
  assert.throws(() => planPlacement({ kind: "extend", field: "extend", top: 8000, right: 0, bottom: 0, left: 0 }, original), /top \+ bottom of at most 7892/);
  assert.throws(() => planPlacement({ kind: "preset", preset: "MAKE_SQUARE", factor: 1.5 }, { width: 300, height: 300 }), /enlarges a 300x300 image/);
  assert.throws(() => planPlacement({ kind: "preset", preset: "ZOOM_OUT_2X", factor: 1.5 }, { width: 5000, height: 300 }), /fits in 8192x8192/);
});

test("a canvas too wide or too tall names the side to shorten, under the field it was given in", () => {
  const small = { width: 64, height: 48 };
  const fieldOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as InputError).field;
    }
    return "no error";
  };
  assert.equal(fieldOf(() => planPlacement(validateOutpaintFields({ image, extend: { right: 8192 } }).size, small)), "extend.right");
  assert.equal(fieldOf(() => planPlacement(validateOutpaintFields({ image, extend: { left: 8000, right: 200 } }).size, small)), "extend.left");
  assert.equal(fieldOf(() => planPlacement(validateOutpaintFields({ image, extend: { bottom: 8192 } }).size, small)), "extend.bottom");
  assert.equal(fieldOf(() => planPlacement(validateOutpaintFields({ image, outpaint: { top: 8192 } }).size, small)), "outpaint.top");
  assert.equal(fieldOf(() => planPlacement(validateOutpaintFields({ image, outpaint: { top: 0 } }).size, small)), "outpaint");
});
