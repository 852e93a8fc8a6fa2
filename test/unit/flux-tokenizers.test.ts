import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { FluxTokenizers } from "../../src/infrastructure/native/flux-tokenizers.js";

// Small tokenizer.json files of the two kinds FLUX.1 uses (a CLIP-style BPE that wraps text in
// start and end tokens and pads with the end token; a T5-style Unigram that appends </s> and
// pads with <pad> = 0), read by tokenizers.js as the real ones are.

const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
const template = (tokens: { id: string; ids: number[] }[], single: object[]) => ({
  type: "TemplateProcessing",
  single,
  pair: [],
  special_tokens: Object.fromEntries(tokens.map((t) => [t.id, { id: t.id, ids: t.ids, tokens: [t.id] }])),
});

const clip = {
  version: "1.0",
  truncation: null,
  padding: null,
  added_tokens: [special(0, "<|startoftext|>"), special(1, "<|endoftext|>")],
  normalizer: { type: "Lowercase" },
  pre_tokenizer: { type: "Whitespace" },
  post_processor: template(
    [
      { id: "<|startoftext|>", ids: [0] },
      { id: "<|endoftext|>", ids: [1] },
    ],
    [{ SpecialToken: { id: "<|startoftext|>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "<|endoftext|>", type_id: 0 } }],
  ),
  decoder: null,
  model: {
    type: "BPE",
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: null,
    end_of_word_suffix: "</w>",
    fuse_unk: false,
    byte_fallback: false,
    vocab: { "<|startoftext|>": 0, "<|endoftext|>": 1, "a</w>": 2, c: 3, a: 4, "t</w>": 5, ca: 6, "cat</w>": 7, t: 8 },
    merges: ["c a", "ca t</w>"],
  },
};

const t5 = {
  version: "1.0",
  truncation: null,
  padding: null,
  added_tokens: [special(0, "<pad>"), special(1, "</s>"), special(2, "<unk>")],
  normalizer: null,
  pre_tokenizer: { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true },
  post_processor: template([{ id: "</s>", ids: [1] }], [{ Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "</s>", type_id: 0 } }]),
  decoder: { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true },
  model: {
    type: "Unigram",
    unk_id: 2,
    vocab: [["<pad>", 0], ["</s>", 0], ["<unk>", 0], ["▁a", -1], ["▁cat", -2], ["▁on", -2], ["▁sofa", -3], ["▁", -4]],
  },
};

describe("FLUX.1 tokenizers (fixed length, as the engines read them)", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "outpaint-tokenizers-"));
    for (const [sub, json, pad] of [
      ["tokenizer", clip, "<|endoftext|>"],
      ["tokenizer_2", t5, "<pad>"],
    ] as const) {
      mkdirSync(join(dir, sub));
      writeFileSync(join(dir, sub, "tokenizer.json"), JSON.stringify(json));
      writeFileSync(join(dir, sub, "tokenizer_config.json"), JSON.stringify({ pad_token: pad }));
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("CLIP: start, text, end, then the pad token to 77; T5: text, </s>, then 0 to 512", () => {
    const { clipTokens, t5Tokens } = new FluxTokenizers(dir).encode("a cat a cat");
    assert.equal(clipTokens.length, 77);
    assert.deepEqual(Array.from(clipTokens.subarray(0, 6)), [0, 2, 7, 2, 7, 1], "<|startoftext|> a cat a cat <|endoftext|>");
    assert.ok(clipTokens.subarray(6).every((id) => id === 1), "padded with <|endoftext|>");
    assert.equal(t5Tokens.length, 512);
    assert.deepEqual(Array.from(t5Tokens.subarray(0, 5)), [3, 4, 3, 4, 1]);
    assert.ok(t5Tokens.subarray(5).every((id) => id === 0), "padded with <pad>");
  });

  test("long text is cut so the end token stays; no prompt is the empty string", () => {
    const tokenizers = new FluxTokenizers(dir);
    const long = tokenizers.encode(Array(600).fill("cat").join(" "));
    assert.equal(long.t5Tokens[510], 4);
    assert.equal(long.t5Tokens[511], 1, "</s> is kept at the end");
    assert.equal(long.clipTokens[0], 0);
    assert.equal(long.clipTokens[75], 7);
    assert.equal(long.clipTokens[76], 1);
    const none = tokenizers.encode(null);
    assert.deepEqual(Array.from(none.t5Tokens.subarray(0, 2)), [1, 0]);
    assert.deepEqual(Array.from(none.clipTokens.subarray(0, 3)), [0, 1, 1]);
  });
});
