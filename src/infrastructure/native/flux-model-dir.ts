import { existsSync } from "node:fs";
import { join } from "node:path";

// The FLUX.1 Fill model directory under MODELS_DIR (docs/gpu.md): the five TensorRT engines the
// addon loads and the two tokenizers the server runs before handing it token ids.
export const FLUX_MODEL_SUBDIR = "flux1-fill-dev";
export const CLIP_TOKENIZER = join("tokenizer", "tokenizer.json");
export const T5_TOKENIZER = join("tokenizer_2", "tokenizer.json");
/** LoRA tunes' weights: <MODELS_DIR>/loras/<tune id>.safetensors. */
export const LORA_SUBDIR = "loras";

export function fluxModelDir(modelsDir: string): string {
  return join(modelsDir, FLUX_MODEL_SUBDIR);
}

/**
 * FLUX.1 [dev]'s transformer for text to image, beside the Fill directory (the addon finds it the
 * same way); without it the addon generates with Fill and the whole canvas masked.
 */
export function fluxDevTransformer(modelsDir: string): string {
  return join(modelsDir, "flux1-dev", "transformer.plan");
}

export function loraFile(modelsDir: string, tuneId: string): string {
  return join(modelsDir, LORA_SUBDIR, `${tuneId}.safetensors`);
}

export function missingTokenizerFiles(dir: string): string[] {
  return [CLIP_TOKENIZER, T5_TOKENIZER]
    .filter((file) => !existsSync(join(dir, file)))
    .map((file) => `no tokenizer at ${join(dir, file)} (scripts/build-flux-engines.sh writes it)`);
}
