import type { Placement } from "../../src/core/geometry.js";
import type { NativeImage } from "../../src/infrastructure/native/outpaint-engine.js";

/** Deterministic pseudo-random pixels (xorshift), so failures reproduce. */
export function noiseImage(width: number, height: number, channels: number, seed: number): NativeImage {
  const data = Buffer.alloc(width * height * channels);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = state & 0xff;
  }
  return { data, width, height, channels };
}

export function pixel(image: NativeImage, x: number, y: number): number[] {
  const start = (y * image.width + x) * image.channels;
  return [...image.data.subarray(start, start + image.channels)];
}

export function placementOf(original: NativeImage, canvasWidth: number, canvasHeight: number, x: number, y: number): Placement {
  return { canvasWidth, canvasHeight, x, y, width: original.width, height: original.height };
}
