import { createRequire } from "node:module";
import { NATIVE_ADDON_PATH } from "../../core/paths.js";

// Loads the C++ addon once, with messages that say what to do when it cannot be loaded.

/** The JS-facing contract the addon was built with; must match native/src/binding/addon.cc. */
const EXPECTED_BINDING_ABI = 4;

/** Interleaved 8-bit pixels, rows packed. */
export interface NativeImage {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
}

export interface NativeTaskHandle<T = NativeImage> {
  promise: Promise<T>;
  cancel(): void;
}

export type NativeProgress = (stage: string, step: number, totalSteps: number, preview?: NativeImage) => void;

export interface NativeOutpaintEngine {
  outpaint(request: object, onProgress: NativeProgress): NativeTaskHandle;
  generate(request: object, onProgress: NativeProgress): NativeTaskHandle<{ image: NativeImage; transformer: string }>;
  close(): void;
  stats(): { queued: number; running: number; finished: number };
  readonly threads: number;
  readonly closed: boolean;
}

export interface Addon {
  OutpaintEngine: new (options: { threads?: number; backend?: string; modelDir?: string }) => NativeOutpaintEngine;
  bindingAbi: number;
  infillMethods: string[];
  /** What stops a backend from running in this process; [] when it can. */
  probeBackend(backend: string, modelDir: string): string[];
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
