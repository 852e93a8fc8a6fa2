import { createRequire } from "node:module";
import { join } from "node:path";
import type { NativeImage } from "../../src/infrastructure/native/addon.js";
import { ROOT } from "./paths.js";

// The native tests' own addon (native/src/testing): hooks the production addon does not export.
// `npm test` builds it (`node scripts/build-native.mjs --tests`); OUTPAINT_NATIVE_TEST_ADDON names
// another build (the sanitizer run's).

/** The CPU references of FLUX's formulas (native/src/flux); arrays are Float32Array. */
export interface FluxMath {
  sigmas(steps: number, width: number, height: number): Float32Array;
  firstStep(steps: number, strength: number): number;
  packLatents(latent: Float32Array, channels: number, height: number, width: number): Float32Array;
  unpackLatents(packed: Float32Array, channels: number, height: number, width: number): Float32Array;
  maskToLatentChannels(mask: Float32Array, height: number, width: number): Float32Array;
  imageIds(latentHeight: number, latentWidth: number): Float32Array;
  eulerStep(x: Float32Array, v: Float32Array, sigma: number, sigmaNext: number): Float32Array;
  gaussianNoise(seed: number, count: number): Float32Array;
  previewLatents(packed: Float32Array, channels: number, height: number, width: number): Buffer;
  /** A LoRA file's weight changes (diffusers/PEFT layout), scaled by `weight`, keyed by the weight they change. */
  loraDeltas(safetensors: Uint8Array, weight: number): Record<string, { rows: number; cols: number; values: Float32Array }>;
  /** RGB bytes [H*W*3] to planar [3*H*W] in [-1, 1]; masked pixels (mask > 0.5) 0. */
  imageToTensor(rgb: Uint8Array, mask: Float32Array | null, height: number, width: number): Float32Array;
  /** Planar [3*H*W] in [-1, 1] to RGB bytes. */
  tensorToImage(image: Float32Array, height: number, width: number): Buffer;
  concatFillInput(x: Float32Array, maskedLatent: Float32Array, mask: Float32Array, tokens: number): Float32Array;
  binarizeMask(mask: Uint8Array): Float32Array;
  normalizeLatent(values: Float32Array): Float32Array;
  denormalizeLatent(values: Float32Array): Float32Array;
  blendNoise(noise: Float32Array, x0: Float32Array, sigma: number): Float32Array;
  padImage(image: NativeImage): NativeImage;
  padMask(mask: { data: Uint8Array; width: number; height: number }): NativeImage;
  cropImage(image: NativeImage, width: number, height: number): NativeImage;
}

/** A denoiser that answers every pixel with one colour after `steps` steps. */
export interface StandIn {
  colour: [number, number, number];
  startsFromCanvas: boolean;
  steps: number;
}

export interface FrameRun {
  image: NativeImage;
  /** What the frame gave the denoiser: the canvas as RGB and the mask (255: new). */
  received: { rgb: NativeImage; mask: NativeImage };
  events: [stage: string, step: number, totalSteps: number][];
}

export interface TestAddon {
  fluxMath: FluxMath;
  frame: {
    runOutpaint(request: object, standIn: StandIn): FrameRun;
    runGenerate(request: { width: number; height: number; seed: number; init?: NativeImage }, standIn: StandIn): FrameRun;
  };
  loader: {
    checkEngine(engine: string, tensors: { name: string; input: boolean; type: string; dims: number[] }[], file: string): string[];
    readChunked(path: string, chunkBytes: number, stopAtPosition: number): { size: number; positions: number[]; data: Buffer; stopped: boolean };
  };
}

let loaded: TestAddon | undefined;

export function loadTestAddon(): TestAddon {
  loaded ??= createRequire(import.meta.url)(
    process.env.OUTPAINT_NATIVE_TEST_ADDON || join(ROOT, "build/native/Release/outpaint_native_test.node"),
  ) as TestAddon;
  return loaded;
}
