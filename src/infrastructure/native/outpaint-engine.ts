import type { Placement } from "../../core/geometry.js";
import type { InfillMethod } from "../../core/job.js";
import type { Backend } from "../../core/tune.js";
import { loadAddon, type NativeImage, type NativeOutpaintEngine, type NativeProgress, type NativeTaskHandle } from "./addon.js";

export type { NativeImage } from "./addon.js";

/** One outpaint on either backend, already validated: the original fits inside the canvas. */
export interface EngineRequest {
  original: NativeImage;
  placement: Placement;
  infill: InfillMethod;
  /** Width of the feather band at each seam, in pixels. */
  blur: number;
  seed: number;
  /** For a denoising backend (FLUX_FILL_TRT): the text as token ids and the sampler's settings. */
  denoise?: DenoiseRequest;
}

export interface DenoiseRequest {
  /** T5 ids, padded to 512. */
  t5Tokens: Int32Array;
  /** CLIP ids, padded to 77. */
  clipTokens: Int32Array;
  steps: number;
  guidance: number;
  /** 1: from noise; below 1: from the pre-filled canvas (image to image). */
  strength: number;
  /** Steps between latent previews; 0 for none. */
  previewEvery: number;
  /** LoRA weight files (safetensors) and their scales. */
  loras: { path: string; weight: number }[];
}

/**
 * A whole image from text (no `init`) or from an image (`init`), on FLUX_FILL_TRT, already
 * validated. The engine uses FLUX.1 [dev]'s transformer where
 * `<MODELS_DIR>/flux1-dev/transformer.plan` is installed (beside the Fill model directory),
 * else FLUX.1 Fill with the whole canvas masked; `GenerateResult.transformer` says which.
 */
export interface GenerateRequest {
  /** Multiples of 16, at most 2048. */
  width: number;
  height: number;
  seed: number;
  /** Image to image: start from this image (width x height) at denoise.strength; absent: from noise (strength 1). */
  init?: NativeImage;
  denoise: DenoiseRequest;
}

export interface GenerateResult {
  /** 3 channels, width x height. */
  image: NativeImage;
  transformer: "FLUX.1-dev" | "FLUX.1-Fill-dev";
}

export interface EngineProgress {
  /** TXT2IMG: generation's denoising steps (generate()); PREPARING covers loading the engines on first use. */
  stage: "INFILL" | "PREPARING" | "TXT2IMG" | "DENOISING" | "COMPOSITING";
  step: number;
  totalSteps: number;
}

export interface EngineCallOptions {
  onProgress?: (progress: EngineProgress) => void;
  onPreview?: (image: NativeImage) => void;
  signal?: AbortSignal;
}

/** The engine's own counters: tasks waiting, running (not yet handed back), and ended so far. */
export interface EngineStats {
  queued: number;
  running: number;
  finished: number;
}

/**
 * A failure inside the addon. `code` is one of CANCELLED, ENGINE_CLOSED, OUT_OF_MEMORY,
 * INVALID_ARGUMENT, INTERNAL, and on the GPU backend BACKEND_UNAVAILABLE, MODEL_INVALID,
 * LORA_UNSUPPORTED, CUDA_ERROR.
 */
export class NativeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "NativeError";
  }
}

/**
 * A native engine on one backend: its own worker threads (and, on the GPU, its loaded model),
 * created once per process and closed at shutdown.
 */
export class OutpaintEngine {
  readonly #engine: NativeOutpaintEngine;

  private constructor(engine: NativeOutpaintEngine) {
    this.#engine = engine;
  }

  /** Throws NativeError BACKEND_UNAVAILABLE (with what is missing) where the backend cannot run. */
  static open(options: { threads: number; backend?: Backend; modelDir?: string }): OutpaintEngine {
    const { OutpaintEngine: NativeEngine } = loadAddon();
    try {
      return new OutpaintEngine(new NativeEngine({ threads: options.threads, backend: options.backend ?? "CPU_FILL", modelDir: options.modelDir ?? "" }));
    } catch (error) {
      throw toNativeError(error, new Error());
    }
  }

  /** What stops `backend` from running in this process, in words a person can act on; [] when it can. */
  static probe(backend: Backend, modelDir: string): string[] {
    return loadAddon().probeBackend(backend, modelDir);
  }

  outpaint(request: EngineRequest, options: EngineCallOptions = {}): Promise<NativeImage> {
    return this.#run((onProgress) => this.#engine.outpaint(request, onProgress), options);
  }

  /** Rejects with NativeError INVALID_ARGUMENT on CPU_FILL, which cannot generate. */
  generate(request: GenerateRequest, options: EngineCallOptions = {}): Promise<GenerateResult> {
    return this.#run((onProgress) => this.#engine.generate(request, onProgress), options) as Promise<GenerateResult>;
  }

  #run<T>(start: (onProgress: NativeProgress) => NativeTaskHandle<T>, options: EngineCallOptions): Promise<T> {
    // Native errors surface on a later tick; keep the caller's stack for them, as sharp does.
    const callSite = new Error();
    const { signal, onProgress, onPreview } = options;
    if (signal?.aborted) return Promise.reject(withStack(new NativeError("CANCELLED", "The task was cancelled"), callSite));

    let handle: NativeTaskHandle<T>;
    try {
      handle = start((stage, step, totalSteps, preview) => {
        try {
          if (preview) onPreview?.(preview);
          else onProgress?.({ stage: stage as EngineProgress["stage"], step, totalSteps });
        } catch {
          // A listener's failure must not stop the task.
        }
      });
    } catch (error) {
      return Promise.reject(toNativeError(error, callSite));
    }
    const cancel = () => handle.cancel();
    signal?.addEventListener("abort", cancel, { once: true });
    return handle.promise.then(
      (result) => {
        signal?.removeEventListener("abort", cancel);
        return result;
      },
      (error: unknown) => {
        signal?.removeEventListener("abort", cancel);
        throw toNativeError(error, callSite);
      },
    );
  }

  stats(): EngineStats {
    return this.#engine.stats();
  }

  /** Cancels what runs, drops what waits, and joins the engine's threads. */
  close(): void {
    this.#engine.close();
  }
}

function toNativeError(error: unknown, callSite: Error): NativeError {
  const { code, message } = error as { code?: string; message?: string };
  return withStack(new NativeError(code ?? "INTERNAL", message ?? String(error)), callSite);
}

function withStack(error: NativeError, callSite: Error): NativeError {
  error.stack = `${error.name}: ${error.message}\n${callSite.stack?.split("\n").slice(1).join("\n") ?? ""}`;
  return error;
}
