import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { InfillMethod } from "../../src/core/job.js";
import { OutpaintEngine, type NativeImage } from "../../src/infrastructure/native/outpaint-engine.js";
import { loadTestAddon, type StandIn } from "../helpers/native-test-addon.js";
import { noiseImage, pixel, placementOf } from "../helpers/synthetic.js";

// The pipeline frame every backend runs (native/src/pipeline), with a stand-in denoiser that
// answers every pixel with one colour: what the frame does around a denoiser (pre-fill, alpha,
// grey, paste-back, progress) is the same for FLUX on a GPU, and is shown here on the CPU.

const { frame } = loadTestAddon();
const colour: [number, number, number] = [200, 100, 50];
/** ITU-R BT.601 luma of the stand-in's colour, rounded: 0.299 * 200 + 0.587 * 100 + 0.114 * 50 = 124.2. */
const luma = 124;
const standIn = (startsFromCanvas = false): StandIn => ({ colour, startsFromCanvas, steps: 3 });

function channel(image: NativeImage, c: number): number[] {
  return Array.from({ length: image.width * image.height }, (_, i) => image.data[i * image.channels + c]!);
}

/** An image whose last channel is the given alpha. */
function withAlpha(width: number, height: number, channels: 2 | 4, alpha: (x: number, y: number) => number, seed: number): NativeImage {
  const image = noiseImage(width, height, channels, seed);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) image.data[(y * width + x) * channels + channels - 1] = alpha(x, y);
  return image;
}

describe("the pipeline frame around a denoiser", () => {
  let cpu: OutpaintEngine;
  before(() => {
    cpu = OutpaintEngine.open({ threads: 1 });
  });
  after(() => {
    cpu.close();
  });

  const [canvasWidth, canvasHeight, x, y, blur] = [72, 56, 20, 14, 4];
  const request = (original: NativeImage, infill: InfillMethod = "EDGE") => ({
    original,
    placement: placementOf(original, canvasWidth, canvasHeight, x, y),
    infill,
    blur,
    seed: 3,
  });
  const inOriginal = (px: number, py: number) => px >= x && px < x + 30 && py >= y && py < y + 26;
  const outsideBand = (px: number, py: number) => px >= x + blur && px < x + 30 - blur && py >= y + blur && py < y + 26 - blur;

  test("an opaque RGBA image comes back opaque: the new area's alpha is the original's, not 0", () => {
    const original = withAlpha(30, 26, 4, () => 255, 1);
    const { image } = frame.runOutpaint(request(original), standIn());
    assert.deepEqual([image.width, image.height, image.channels], [canvasWidth, canvasHeight, 4]);
    assert.ok(channel(image, 3).every((a) => a === 255), "alpha is 255 everywhere");
    for (let py = 0; py < canvasHeight; py++) {
      for (let px = 0; px < canvasWidth; px++) {
        if (!inOriginal(px, py)) assert.deepEqual(pixel(image, px, py), [...colour, 255], `new pixel ${px},${py}`);
        if (outsideBand(px, py)) assert.deepEqual(pixel(image, px, py), pixel(original, px - x, py - y), `original ${px},${py}`);
      }
    }
  });

  for (const channels of [4, 2] as const) {
    test(`${channels} channels with varying alpha: alpha as the CPU fill gives it, the original's bit-exact, colour the denoiser's`, async () => {
      const original = withAlpha(30, 26, channels, (ax, ay) => (ax * 7 + ay * 3) % 256, 2);
      const { image } = frame.runOutpaint(request(original), standIn());
      const cpuFill = await cpu.outpaint({ ...request(original), infill: "EDGE" });
      assert.deepEqual(channel(image, channels - 1), channel(cpuFill, channels - 1), "alpha matches the CPU fill's");
      for (let py = 0; py < canvasHeight; py++) {
        for (let px = 0; px < canvasWidth; px++) {
          const got = pixel(image, px, py);
          if (!inOriginal(px, py)) assert.deepEqual(got.slice(0, channels - 1), channels === 4 ? colour : [luma], `colour at ${px},${py}`);
          if (outsideBand(px, py)) assert.deepEqual(got, pixel(original, px - x, py - y), `original at ${px},${py}`);
        }
      }
    });
  }

  test("grey comes back grey: the luma of the denoiser's RGB", () => {
    const original = noiseImage(30, 26, 1, 4);
    const { image, received } = frame.runOutpaint(request(original), standIn());
    assert.equal(image.channels, 1);
    assert.equal(pixel(image, 0, 0)[0], luma);
    // The denoiser saw the grey original repeated into R, G and B.
    assert.deepEqual(pixel(received.rgb, x + 9, y + 9), Array(3).fill(pixel(original, 9, 9)[0]));
  });

  test("the denoiser gets the canvas as RGB and the feathered outpaint mask", () => {
    const original = withAlpha(30, 26, 4, () => 90, 5);
    const { received } = frame.runOutpaint(request(original), standIn());
    assert.equal(received.rgb.channels, 3);
    assert.deepEqual(pixel(received.rgb, x + 10, y + 10), pixel(original, 10, 10).slice(0, 3), "alpha dropped");
    assert.equal(pixel(received.mask, 0, 0)[0], 255, "new area");
    assert.equal(pixel(received.mask, x + 10, y + 10)[0], 0, "original outside the band");
    const band = pixel(received.mask, x, y + 10)[0]!;
    assert.ok(band > 0 && band < 255, `feather band at the seam: ${band}`);
  });

  test("a denoiser that starts from the canvas gets the requested pre-fill; one that does not, none (RGB)", async () => {
    const original = noiseImage(30, 26, 3, 6);
    const tile = await cpu.outpaint(request(original, "TILE"));
    const fromCanvas = frame.runOutpaint(request(original, "TILE"), standIn(true));
    for (let py = 0; py < canvasHeight; py++) {
      for (let px = 0; px < canvasWidth; px++) {
        if (!inOriginal(px, py)) assert.deepEqual(pixel(fromCanvas.received.rgb, px, py), pixel(tile, px, py), `TILE pre-fill at ${px},${py}`);
      }
    }
    assert.deepEqual([...new Set(fromCanvas.events.map(([stage]) => stage))], ["INFILL", "DENOISING", "COMPOSITING"]);
    const fromNoise = frame.runOutpaint(request(original, "TILE"), standIn(false));
    assert.deepEqual(pixel(fromNoise.received.rgb, 0, 0), [0, 0, 0], "no pre-fill");
    assert.deepEqual([...new Set(fromNoise.events.map(([stage]) => stage))], ["DENOISING", "COMPOSITING"]);
    fromNoise.events.forEach(([, step, total], i) => assert.deepEqual([step, total], [i + 1, fromNoise.events.length]));
  });

  test("generation: the whole canvas is new; an init's colour (not its alpha) is what the denoiser starts from", () => {
    const fromText = frame.runGenerate({ width: 48, height: 32, seed: 1 }, standIn());
    assert.ok(fromText.received.mask.data.every((v) => v === 255), "mask of ones");
    assert.ok(fromText.received.rgb.data.every((v) => v === 0));
    assert.deepEqual([fromText.image.width, fromText.image.height, fromText.image.channels], [48, 32, 3]);
    assert.deepEqual(pixel(fromText.image, 47, 31), colour);
    const init = withAlpha(48, 32, 4, () => 0, 7);
    const fromImage = frame.runGenerate({ width: 48, height: 32, seed: 1, init }, standIn(true));
    assert.deepEqual(pixel(fromImage.received.rgb, 5, 6), pixel(init, 5, 6).slice(0, 3));
    assert.equal(fromImage.image.channels, 3);
  });
});
