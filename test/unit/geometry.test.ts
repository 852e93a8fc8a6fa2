import assert from "node:assert/strict";
import { test } from "node:test";
import { ANCHORS, placeByAnchor, placeByExtension, presetPlacement, PRESETS, type Preset } from "../../src/core/geometry.js";

const image = { width: 451, height: 300 };

test("placeByExtension puts the original after the left and top extensions", () => {
  const placement = placeByExtension(image, { top: 10, right: 20, bottom: 30, left: 40 });
  assert.deepEqual(placement, { canvasWidth: 511, canvasHeight: 340, x: 40, y: 10, width: 451, height: 300 });
});

test("placeByAnchor: every anchor, odd free space rounds the centre toward the top-left", () => {
  const canvas = { width: 451 + 101, height: 300 + 51 };
  const expected: Record<string, [number, number]> = {
    TOP_LEFT: [0, 0],
    TOP_CENTER: [50, 0],
    TOP_RIGHT: [101, 0],
    LEFT_CENTER: [0, 25],
    CENTER: [50, 25],
    RIGHT_CENTER: [101, 25],
    BOTTOM_LEFT: [0, 51],
    BOTTOM_CENTER: [50, 51],
    BOTTOM_RIGHT: [101, 51],
  };
  assert.deepEqual(Object.keys(expected).sort(), [...ANCHORS].sort());
  for (const anchor of ANCHORS) {
    const { x, y } = placeByAnchor(image, canvas, anchor);
    assert.deepEqual([x, y], expected[anchor], anchor);
  }
});

test("presets: zoom factors and ratios round up, never shrink, and centre the original; side presets grow one side", () => {
  const canvas = (preset: Preset, factor = 1.5, size = image) => {
    const { canvasWidth, canvasHeight } = presetPlacement(size, preset, factor);
    return { width: canvasWidth, height: canvasHeight };
  };
  assert.deepEqual(canvas("ZOOM_OUT_1_5X"), { width: 677, height: 450 });
  assert.deepEqual(canvas("ZOOM_OUT_2X"), { width: 902, height: 600 });
  assert.deepEqual(canvas("MAKE_SQUARE"), { width: 451, height: 451 });
  assert.deepEqual(canvas("ASPECT_16_9"), { width: 534, height: 300 });
  assert.deepEqual(canvas("ASPECT_9_16"), { width: 451, height: 802 });
  assert.deepEqual(canvas("ASPECT_4_3"), { width: 451, height: 339 });
  assert.deepEqual(canvas("ASPECT_21_9", 1.5, { width: 1000, height: 1000 }), { width: 2334, height: 1000 });
  assert.deepEqual(presetPlacement(image, "MAKE_SQUARE", 1.5), { canvasWidth: 451, canvasHeight: 451, x: 0, y: 75, width: 451, height: 300 });
  assert.deepEqual(presetPlacement(image, "EXTEND_LEFT", 1.5), { canvasWidth: 677, canvasHeight: 300, x: 226, y: 0, width: 451, height: 300 });
  assert.deepEqual(presetPlacement(image, "EXTEND_BOTTOM", 2), { canvasWidth: 451, canvasHeight: 600, x: 0, y: 0, width: 451, height: 300 });
  for (const preset of PRESETS) {
    const size = canvas(preset);
    assert.ok(size.width >= image.width && size.height >= image.height, preset);
  }
  // Already at the ratio: nothing to add.
  assert.deepEqual(canvas("ASPECT_16_9", 1.5, { width: 1600, height: 900 }), { width: 1600, height: 900 });
});
