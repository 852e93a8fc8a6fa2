import assert from "node:assert/strict";
import { test } from "node:test";
import { ANCHORS, placeByAnchor, placeByExtension, presetCanvas, PRESETS } from "../../src/core/geometry.js";

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

test("presets: zoom factors and ratios round up and never shrink", () => {
  assert.deepEqual(presetCanvas(image, "ZOOM_OUT_1_5X"), { width: 677, height: 450 });
  assert.deepEqual(presetCanvas(image, "ZOOM_OUT_2X"), { width: 902, height: 600 });
  assert.deepEqual(presetCanvas(image, "MAKE_SQUARE"), { width: 451, height: 451 });
  assert.deepEqual(presetCanvas(image, "ASPECT_16_9"), { width: 534, height: 300 });
  assert.deepEqual(presetCanvas(image, "ASPECT_9_16"), { width: 451, height: 802 });
  assert.deepEqual(presetCanvas(image, "ASPECT_4_3"), { width: 451, height: 339 });
  assert.deepEqual(presetCanvas({ width: 1000, height: 1000 }, "ASPECT_21_9"), { width: 2334, height: 1000 });
  for (const preset of PRESETS) {
    const canvas = presetCanvas(image, preset);
    assert.ok(canvas.width >= image.width && canvas.height >= image.height, preset);
  }
  // Already at the ratio: nothing to add.
  assert.deepEqual(presetCanvas({ width: 1600, height: 900 }, "ASPECT_16_9"), { width: 1600, height: 900 });
});
