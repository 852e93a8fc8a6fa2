import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { CLIP_TOKENIZER, T5_TOKENIZER } from "./flux-model-dir.js";

/** Token ids for FLUX.1's two text encoders, padded as the engines expect. */
export interface FluxTokens {
  t5Tokens: Int32Array;
  clipTokens: Int32Array;
}

/** T5 v1.1 XXL reads 512 tokens, CLIP-L 77 (diffusers' FluxFillPipeline: max_sequence_length 512). */
export const T5_LENGTH = 512;
export const CLIP_LENGTH = 77;

/**
 * One text encoder's tokenizer, loaded from a Hugging Face tokenizer.json (and the
 * tokenizer_config.json beside it) by tokenizers.js, padded and truncated to a fixed length the
 * way the transformers tokenizers do with padding="max_length", truncation=True: the special
 * tokens stay, the text is cut, the rest is the pad token.
 */
export class FixedLengthTokenizer {
  readonly #tokenizer: Tokenizer;
  readonly #prefix: number[];
  readonly #suffix: number[];
  readonly #padId: number;

  constructor(
    file: string,
    readonly length: number,
  ) {
    const json: unknown = JSON.parse(readFileSync(file, "utf8"));
    const configFile = join(dirname(file), "tokenizer_config.json");
    const config = existsSync(configFile) ? (JSON.parse(readFileSync(configFile, "utf8")) as { pad_token?: unknown }) : {};
    this.#tokenizer = new Tokenizer(json as object, config);
    // The special tokens the tokenizer wraps text in, found from a one-word probe.
    const wrapped = this.#tokenizer.encode("a").ids;
    const plain = this.#tokenizer.encode("a", { add_special_tokens: false }).ids;
    const start = wrapped.indexOf(plain[0]!);
    this.#prefix = wrapped.slice(0, start);
    this.#suffix = wrapped.slice(start + plain.length);
    const padToken = typeof config.pad_token === "string" ? config.pad_token : (config.pad_token as { content?: string } | undefined)?.content;
    const padId = padToken === undefined ? undefined : this.#tokenizer.token_to_id(padToken);
    if (padId === undefined) throw new Error(`${configFile} names no pad token the tokenizer knows (pad_token)`);
    this.#padId = padId;
  }

  encode(text: string): Int32Array {
    const room = this.length - this.#prefix.length - this.#suffix.length;
    const content = this.#tokenizer.encode(text, { add_special_tokens: false }).ids.slice(0, room);
    const ids = new Int32Array(this.length).fill(this.#padId);
    ids.set([...this.#prefix, ...content, ...this.#suffix]);
    return ids;
  }
}

/** Both tokenizers of a FLUX.1 model directory (tokenizer/ for CLIP, tokenizer_2/ for T5). */
export class FluxTokenizers {
  readonly #clip: FixedLengthTokenizer;
  readonly #t5: FixedLengthTokenizer;

  constructor(modelDir: string) {
    this.#clip = new FixedLengthTokenizer(join(modelDir, CLIP_TOKENIZER), CLIP_LENGTH);
    this.#t5 = new FixedLengthTokenizer(join(modelDir, T5_TOKENIZER), T5_LENGTH);
  }

  /** No text guidance (null) is the empty prompt, as diffusers encodes "". */
  encode(prompt: string | null): FluxTokens {
    return { t5Tokens: this.#t5.encode(prompt ?? ""), clipTokens: this.#clip.encode(prompt ?? "") };
  }
}
