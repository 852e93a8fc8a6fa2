import { existsSync } from "node:fs";
import type { Logger } from "pino";
import type { Backend } from "../../core/tune.js";
import { OutpaintEngine, type EngineStats } from "./outpaint-engine.js";
import { fluxDevTransformer, fluxModelDir, loraFile, missingTokenizerFiles } from "./flux-model-dir.js";
import { FluxTokenizers } from "./flux-tokenizers.js";

/**
 * The engines this process runs jobs on, one per backend: the CPU fill always; FLUX.1 Fill on
 * TensorRT where the addon, libnvinfer, a GPU and the model directory's engines and tokenizers
 * are all present. What is missing for a backend is found once at start and said in words an
 * operator can act on.
 */
export class BackendPool {
  readonly #engines = new Map<Backend, OutpaintEngine>();
  readonly #missing = new Map<Backend, string[]>();
  #tokenizers: FluxTokenizers | undefined;

  private constructor(readonly modelsDir: string) {}

  static open(options: { fillThreads: number; modelsDir: string }, logger: Logger): BackendPool {
    const pool = new BackendPool(options.modelsDir);
    pool.#engines.set("CPU_FILL", OutpaintEngine.open({ threads: options.fillThreads }));
    const dir = fluxModelDir(options.modelsDir);
    const present = existsSync(dir);
    const missing = OutpaintEngine.probe("FLUX_FILL_TRT", present ? dir : "");
    if (!present) missing.push(`no FLUX.1 Fill model directory at ${dir} (MODELS_DIR; docs/gpu.md)`);
    else missing.push(...missingTokenizerFiles(dir));
    if (missing.length === 0) {
      try {
        pool.#tokenizers = new FluxTokenizers(dir);
        pool.#engines.set("FLUX_FILL_TRT", OutpaintEngine.open({ threads: 1, backend: "FLUX_FILL_TRT", modelDir: dir }));
      } catch (error) {
        missing.push((error as Error).message);
      }
    }
    pool.#missing.set("FLUX_FILL_TRT", missing);
    if (missing.length > 0) logger.info({ backend: "FLUX_FILL_TRT", missing }, "GPU backend unavailable; FLUX tunes are refused");
    else logger.info({ backend: "FLUX_FILL_TRT", modelDir: dir }, "GPU backend available");
    return pool;
  }

  /** What stops `backend` from running here; [] when it runs. */
  missing(backend: Backend): readonly string[] {
    return this.#missing.get(backend) ?? [];
  }

  /** The engine for a backend, or undefined where it cannot run (see missing()). */
  engine(backend: Backend): OutpaintEngine | undefined {
    return this.#engines.get(backend);
  }

  /** FLUX.1's tokenizers, where the GPU backend runs. */
  fluxTokenizers(): FluxTokenizers | undefined {
    return this.#tokenizers;
  }

  /** Whether text to image runs on FLUX.1 [dev]'s transformer here (else on Fill, fully masked). */
  hasFluxDev(): boolean {
    return existsSync(fluxDevTransformer(this.modelsDir));
  }

  /** Where a LoRA tune's weights live. */
  loraFile(tuneId: string): string {
    return loraFile(this.modelsDir, tuneId);
  }

  /** Counters summed over every engine. */
  stats(): EngineStats {
    const total = { queued: 0, running: 0, finished: 0 };
    for (const engine of this.#engines.values()) {
      const s = engine.stats();
      total.queued += s.queued;
      total.running += s.running;
      total.finished += s.finished;
    }
    return total;
  }

  close(): void {
    for (const engine of this.#engines.values()) engine.close();
  }
}
