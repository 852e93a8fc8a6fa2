import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { OutpaintEngine, NativeError, type EngineRequest, type NativeImage } from "../../src/infrastructure/native/outpaint-engine.js";
import { noiseImage, pixel, placementOf } from "../helpers/synthetic.js";

/** A smooth image with texture: gradients plus a little noise, like a photo's background. */
function photoLike(width: number, height: number): NativeImage {
  const noise = noiseImage(width, height, 3, 17);
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 2 + (noise.data[i]! & 15)) & 0xff;
      data[i + 1] = (y * 3 + (noise.data[i + 1]! & 15)) & 0xff;
      data[i + 2] = (((x + y) * 255) / (width + height) + (noise.data[i + 2]! & 15)) & 0xff;
    }
  }
  return { data, width, height, channels: 3 };
}

/** Every pixel repeats with period (px, py): a tiled texture. */
function periodic(width: number, height: number, px: number, py: number): NativeImage {
  const tile = noiseImage(px, py, 3, 23);
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) tile.data.copy(data, (y * width + x) * 3, ((y % py) * px + (x % px)) * 3, ((y % py) * px + (x % px)) * 3 + 3);
  }
  return { data, width, height, channels: 3 };
}

/** A grey RGB image whose pixel i = y * width + x has the value `value(x, y, i)`. */
function grey(width: number, height: number, value: (x: number, y: number, i: number) => number): NativeImage {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      data.fill(value(x, y, i), 3 * i, 3 * i + 3);
    }
  }
  return { data, width, height, channels: 3 };
}

/** Smooth shading with a little noise: copies taken from different places differ in brightness. */
function shaded(width: number, height: number): NativeImage {
  const noise = noiseImage(width, height, 1, 5);
  return grey(width, height, (x, y, i) => Math.round(128 + 50 * Math.sin(x / 19) * Math.cos(y / 13) + 30 * Math.sin((x + 2 * y) / 41) + (noise.data[i]! & 7)));
}

/** A sky: a smooth linear gradient with faint noise, where any pasted block shows. */
function sky(width: number, height: number): NativeImage {
  const noise = noiseImage(width, height, 1, 11);
  return grey(width, height, (x, y, i) => Math.round(40 + 0.5 * x + 0.4 * y) + (noise.data[i]! & 3));
}

/** Mean step on the first channel between columns x and x + 1. */
function columnStep(image: NativeImage, x: number): number {
  let sum = 0;
  for (let y = 0; y < image.height; y++) sum += Math.abs(pixel(image, x + 1, y)[0]! - pixel(image, x, y)[0]!);
  return sum / image.height;
}

/** Every step between 4-neighbours inside the rectangle, on the first channel. */
function steps(image: NativeImage, x0: number, x1: number, y0: number, y1: number): number[] {
  const out: number[] = [];
  for (let y = y0; y < y1 - 1; y++) {
    for (let x = x0; x < x1 - 1; x++) {
      out.push(Math.abs(pixel(image, x + 1, y)[0]! - pixel(image, x, y)[0]!), Math.abs(pixel(image, x, y + 1)[0]! - pixel(image, x, y)[0]!));
    }
  }
  return out;
}

/**
 * Straight brightness steps inside the rectangle [x0, x1) x [y0, y1): segments of 32 pixels along
 * a line between two columns (or rows) where the mean change across the line over 16 pixels is
 * at least 2 levels and 3 times the median change on the lines 16 to 48 pixels away (a smooth
 * gradient changes alike everywhere): the outline of a block pasted at another brightness.
 */
function straightSteps(image: NativeImage, x0: number, x1: number, y0: number, y1: number): number {
  let count = 0;
  for (const vertical of [true, false]) {
    const [lo, hi, along0, along1] = vertical ? [x0, x1, y0, y1] : [y0, y1, x0, x1];
    const value = (k: number, t: number) => (vertical ? pixel(image, k, t) : pixel(image, t, k))[0]!;
    for (let start = along0; start + 32 <= along1; start += 16) {
      const change = new Map<number, number>();
      for (let k = lo + 7; k < hi - 8; k++) {
        let sum = 0;
        for (let t = start; t < start + 32; t++) sum += value(k + 8, t) - value(k - 7, t);
        change.set(k, Math.abs(sum / 32));
      }
      for (const [k, d] of change) {
        const around = [...change].filter(([n]) => Math.abs(n - k) >= 16 && Math.abs(n - k) <= 48).map(([, v]) => v).sort((a, b) => a - b);
        const peak = [...change].every(([n, v]) => Math.abs(n - k) >= 16 || v < d || (v === d && n >= k));
        if (peak && around.length > 0 && d >= 2 && d >= 3 * around[Math.floor(around.length / 2)]!) count++;
      }
    }
  }
  return count;
}

/** A target-like mark: rings of alternating colour, like nothing else in photoLike's background. */
function drawMark(image: NativeImage, cx: number, cy: number, radius: number): void {
  for (let y = cy - radius; y < cy + radius; y++) {
    for (let x = cx - radius; x < cx + radius; x++) {
      const ring = Math.floor(Math.hypot(x - cx + 0.5, y - cy + 0.5) / 4);
      if (ring * 4 >= radius) continue;
      const i = (y * image.width + x) * 3;
      image.data[i] = ring % 2 ? 250 : 20;
      image.data[i + 1] = ring % 2 ? 40 : 230;
      image.data[i + 2] = ring % 2 ? 200 : 30;
    }
  }
}

/** Mean absolute difference between `image`'s window at (x, y) and `mark`'s at (mx, my), side `side`. */
function windowDifference(image: NativeImage, x: number, y: number, mark: NativeImage, mx: number, my: number, side: number): number {
  let sum = 0;
  for (let dy = 0; dy < side; dy++) {
    for (let dx = 0; dx < side; dx++) {
      const i = ((y + dy) * image.width + x + dx) * 3;
      const j = ((my + dy) * mark.width + mx + dx) * 3;
      for (let k = 0; k < 3; k++) sum += Math.abs(image.data[i + k]! - mark.data[j + k]!);
    }
  }
  return sum / (side * side * 3);
}

describe("PATCHMATCH fill", () => {
  let engine: OutpaintEngine;
  before(() => {
    engine = OutpaintEngine.open({ threads: 2 });
  });
  after(() => {
    engine.close();
  });

  const request = (original: NativeImage, overrides: Partial<EngineRequest> = {}): EngineRequest => ({
    original,
    placement: placementOf(original, original.width + 80, original.height + 50, 40, 20),
    infill: "PATCHMATCH",
    blur: 0,
    seed: 7,
    ...overrides,
  });

  test("the same seed gives the same bytes, whatever the thread count; another seed differs", async () => {
    const original = photoLike(160, 120);
    const first = await engine.outpaint(request(original));
    const again = await engine.outpaint(request(original));
    const single = OutpaintEngine.open({ threads: 1 });
    const oneThread = await single.outpaint(request(original));
    single.close();
    const otherSeed = await engine.outpaint(request(original, { seed: 8 }));
    assert.ok(first.data.equals(again.data), "repeatable");
    assert.ok(first.data.equals(oneThread.data), "independent of threads");
    assert.ok(!first.data.equals(otherSeed.data), "the seed matters");
  });

  test("only the masked area changes: the original outside the feather band is bit-exact, the band blends", async () => {
    const original = photoLike(160, 120);
    const feather = 12;
    const placement = placementOf(original, 260, 200, 60, 0); // the top touches the canvas edge: no seam there
    const result = await engine.outpaint(request(original, { placement, blur: feather }));
    let bandChanged = 0;
    for (let y = 0; y < original.height; y++) {
      for (let x = 0; x < original.width; x++) {
        const inBand = x < feather || x >= original.width - feather || y >= original.height - feather;
        const same = pixel(result, x + 60, y).every((v, k) => v === pixel(original, x, y)[k]);
        if (!inBand) assert.ok(same, `original pixel ${x},${y} outside the band changed`);
        else if (!same) bandChanged++;
      }
    }
    assert.ok(bandChanged > 0, "the band blends the fill in");
  });

  test("a periodic texture is continued with its period", async () => {
    const [px, py] = [12, 9];
    const original = periodic(120, 90, px, py);
    const placement = placementOf(original, 120 + 60, 90 + 36, 0, 0);
    const result = await engine.outpaint(request(original, { placement }));
    let total = 0;
    let periodicPixels = 0;
    for (let y = 0; y < placement.canvasHeight; y++) {
      for (let x = 0; x < placement.canvasWidth; x++) {
        if (x < 120 && y < 90) continue;
        total++;
        const expected = pixel(original, x % px, y % py);
        if (pixel(result, x, y).every((v, k) => v === expected[k])) periodicPixels++;
      }
    }
    assert.ok(periodicPixels / total > 0.9, `${((100 * periodicPixels) / total).toFixed(1)}% of the new pixels follow the period`);
  });

  test("fine texture is continued as texture, not as a flat area of the same mean colour", async () => {
    // Left half: pixels of 72 or 184 at random (mean 128); right half: flat 128. On the coarse
    // levels both look alike, so only texture features keep the left band from going flat.
    const [width, height, band] = [480, 320, 96];
    const noise = noiseImage(width, height, 1, 31);
    const original = grey(width, height, (x, _y, i) => (x < width / 2 ? (noise.data[i]! & 1 ? 184 : 72) : 128));
    const placement = placementOf(original, width + 2 * band, height, band, 0);
    const result = await engine.outpaint(request(original, { placement }));
    const roughness = (x0: number, x1: number) => {
      let sum = 0;
      for (let y = 0; y < height; y++) for (let x = x0; x < x1; x++) sum += Math.abs(pixel(result, x + 1, y)[0]! - pixel(result, x, y)[0]!);
      return sum / (height * (x1 - x0));
    };
    const real = roughness(band, band + width / 2 - 1);
    const left = roughness(0, band - 8);
    const right = roughness(band + width + 8, width + 2 * band - 1);
    assert.ok(left > 0.7 * real, `left band roughness ${left.toFixed(1)}, the texture's ${real.toFixed(1)}`);
    assert.ok(right < 0.05 * real, `right band roughness ${right.toFixed(1)}, flat is 0`);
  });

  test("where copied regions meet inside the fill, no step is sharper than the original's sharpest", async () => {
    // Copies of smooth shading taken from different places meet at brightness steps unless the
    // fill is fused in the gradient domain; the original's own steps are at most ~12.
    const [width, height, band] = [200, 160, 80];
    const original = shaded(width, height);
    const sharpest = Math.max(...steps(original, 0, width, 0, height));
    const placement = placementOf(original, width + band, height, 0, 0);
    for (const seed of [1, 2, 4]) {
      const result = await engine.outpaint(request(original, { placement, seed }));
      const sharper = steps(result, width, width + band, 0, height).filter((step) => step > sharpest);
      assert.ok(sharper.length <= 2, `seed ${seed}: ${sharper.length} steps sharper than ${sharpest} (${sharper.join(", ")})`);
    }
  });

  test("copies of a smooth sky are integrated into one surface, not pasted as blocks of another brightness", async () => {
    // Copies taken from different places of a gradient differ in brightness; fused only near
    // where they meet, each keeps its own and the fill shows rectangles with straight edges.
    const [width, height, band] = [200, 160, 96];
    const original = sky(width, height);
    const own = straightSteps(original, 0, width, 0, height);
    const placement = placementOf(original, width + 2 * band, height + band, band, band / 2);
    for (const seed of [1, 2, 3]) {
      const result = await engine.outpaint(request(original, { placement, seed }));
      const fill = straightSteps(result, 0, band, 0, height + band) + straightSteps(result, band + width, width + 2 * band, 0, height + band);
      assert.ok(fill <= own + 2, `seed ${seed}: ${fill} straight steps in the side bands, the original has ${own}`);
    }
  });

  test("the border with the original stands out no more than the columns beside it", async () => {
    const [width, height, band] = [240, 180, 80];
    // Copies of smooth shading differ in brightness from the original beside them (without the
    // seam membrane the step across the border is 1.3-1.5 times the steps beside it).
    const original = shaded(width, height);
    const placement = placementOf(original, width + band, height, 0, 0);
    for (const seed of [1, 2, 3]) {
      const result = await engine.outpaint(request(original, { placement, seed }));
      const beside = [width - 3, width - 2, width, width + 1].map((x) => columnStep(result, x));
      const contrast = columnStep(result, width - 1) / (beside.reduce((a, b) => a + b) / beside.length);
      assert.ok(contrast > 0.75 && contrast < 1.2, `seed ${seed}: the step across the border is ${contrast.toFixed(2)} times the steps beside it`);
    }
  });

  test("a zoom-out continues the background instead of copying the photo's one distinctive mark", async () => {
    // Without a source prior the fill copied the mark whole into the new border (seed 1: a window
    // 2.5 levels from it on average); with it the closest window is about 82 levels away.
    const [side, band, radius] = [240, 120, 20];
    const original = photoLike(side, side);
    drawMark(original, 120, 120, radius);
    const placement = placementOf(original, side + 2 * band, side + 2 * band, band, band);
    for (const seed of [1, 2, 3, 4]) {
      const result = await engine.outpaint(request(original, { placement, seed }));
      // Windows of the mark's size lying wholly in the fill, more than 16 px from the original.
      let closest = Infinity;
      const far = (x: number, y: number) => x + 2 * radius < band - 16 || x > band + side + 16 || y + 2 * radius < band - 16 || y > band + side + 16;
      for (let y = 0; y + 2 * radius <= result.height; y += 2) {
        for (let x = 0; x + 2 * radius <= result.width; x += 2) {
          if (far(x, y)) closest = Math.min(closest, windowDifference(result, x, y, original, 120 - radius, 120 - radius, 2 * radius));
        }
      }
      assert.ok(closest > 40, `seed ${seed}: a window of the fill differs from the mark by ${closest.toFixed(1)} levels on average (a copy: under 20)`);
    }
  });

  test("cancellation stops within one iteration", async () => {
    const original = photoLike(640, 480);
    const controller = new AbortController();
    let afterCancel = 0;
    // Cancelled as the slow full-resolution iterations begin (the last two steps before
    // compositing), so no backlog of quick coarse steps is still in flight.
    const running = engine.outpaint(request(original, { placement: placementOf(original, 1400, 1000, 380, 260) }), {
      signal: controller.signal,
      onProgress: ({ step, totalSteps }) => {
        if (controller.signal.aborted) afterCancel++;
        else if (step >= totalSteps - 3) controller.abort();
      },
    });
    await assert.rejects(running, (error: unknown) => error instanceof NativeError && error.code === "CANCELLED");
    assert.ok(controller.signal.aborted);
    assert.ok(afterCancel <= 1, `${afterCancel} iterations reported after the cancel`);
  });

  test("a feather that would swallow the whole original is refused", async () => {
    const original = photoLike(40, 30);
    await assert.rejects(
      engine.outpaint(request(original, { placement: placementOf(original, 100, 100, 30, 30), blur: 15 })),
      (error: unknown) => error instanceof NativeError && error.code === "INVALID_ARGUMENT" && /blur/.test(error.message),
    );
  });

  test("an original too small for patches still gets a smooth fill", async () => {
    const original = photoLike(5, 4);
    const result = await engine.outpaint(request(original, { placement: placementOf(original, 30, 20, 10, 8) }));
    assert.deepEqual([result.width, result.height], [30, 20]);
  });
});
