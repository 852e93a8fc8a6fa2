import { createRequire } from "node:module";
import { NATIVE_ADDON_PATH } from "../../core/paths.js";

// Loads the C++ addon once, with messages that say what to do when it cannot be loaded.

/** The JS-facing contract the addon was built with; must match native/src/binding/addon.cc. */
const EXPECTED_BINDING_ABI = 3;

/** Interleaved 8-bit pixels, rows packed. */
export interface NativeImage {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
}

export interface NativeTaskHandle {
  promise: Promise<NativeImage>;
  cancel(): void;
}

export interface NativeOutpaintEngine {
  outpaint(
    request: object,
    onProgress: (stage: string, step: number, totalSteps: number, preview?: NativeImage) => void,
  ): NativeTaskHandle;
  close(): void;
  stats(): { queued: number; running: number; finished: number };
  readonly threads: number;
  readonly closed: boolean;
}

/** The CPU references of FLUX.1 Fill's formulas (native/src/flux); arrays are Float32Array. */
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
}

export interface Addon {
  OutpaintEngine: new (options: { threads?: number; backend?: string; modelDir?: string }) => NativeOutpaintEngine;
  bindingAbi: number;
  infillMethods: string[];
  /** What stops a backend from running in this process; [] when it can. */
  probeBackend(backend: string, modelDir: string): string[];
  fluxMath: FluxMath;
}

export class AddonLoadError extends Error {
  readonly code = "NATIVE_ADDON_UNAVAILABLE";
}

let loaded: Addon | undefined;

/** OUTPAINT_NATIVE_ADDON may name another build of the addon (the sanitizer run of the tests uses it). */
export function loadAddon(path: string = process.env.OUTPAINT_NATIVE_ADDON || NATIVE_ADDON_PATH): Addon {
  if (loaded) return loaded;
  let addon: Addon;
  try {
    addon = createRequire(import.meta.url)(path) as Addon;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "MODULE_NOT_FOUND"
        ? `it has not been built (no file at ${path})`
        : `it was built for another Node.js or platform, or its libraries are missing (${(error as Error).message})`;
    throw new AddonLoadError(
      `The native outpaint addon cannot be loaded: ${reason}. Build it with \`npm run build:native\` (needs cmake and a C++17 compiler).`,
    );
  }
  if (addon.bindingAbi !== EXPECTED_BINDING_ABI) {
    throw new AddonLoadError(
      `The native outpaint addon at ${path} has binding ABI ${addon.bindingAbi} but this server expects ${EXPECTED_BINDING_ABI}. Rebuild it with \`npm run build:native\`.`,
    );
  }
  loaded = addon;
  return addon;
}
