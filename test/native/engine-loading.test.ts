import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { loadTestAddon } from "../helpers/native-test-addon.js";

// What the GPU backend checks and reads when it loads TensorRT engines, shown without TensorRT:
// the tensor contracts (native/src/flux/engine_contract.h) and the chunked plan reader
// (native/src/runtime/chunked_file.h).

const { loader } = loadTestAddon();
const input = (name: string, type: string, dims: number[]) => ({ name, input: true, type, dims });
const output = (name: string, type: string, dims: number[]) => ({ name, input: false, type, dims });

const transformer = (channels: number) => [
  input("hidden_states", "bf16", [-1, -1, channels]),
  input("encoder_hidden_states", "bf16", [-1, 512, 4096]),
  input("pooled_projections", "bf16", [-1, 768]),
  input("timestep", "bf16", [-1]),
  input("img_ids", "fp32", [-1, 3]),
  input("txt_ids", "fp32", [512, 3]),
  input("guidance", "fp32", [-1]),
  output("latent", "bf16", [-1, -1, 64]),
];

describe("engine contracts", () => {
  test("NVIDIA's CLIP export, with text_embeddings beside pooled_embeddings, passes and names the extra output", () => {
    const extras = loader.checkEngine(
      "clip",
      [input("input_ids", "int32", [-1, 77]), output("text_embeddings", "fp16", [-1, 77, 768]), output("pooled_embeddings", "fp16", [-1, 768])],
      "clip.plan",
    );
    assert.deepEqual(extras, ["text_embeddings"]);
  });

  test("the transformers: 384 input channels for Fill, 64 for FLUX.1 [dev]", () => {
    assert.deepEqual(loader.checkEngine("fillTransformer", transformer(384), "transformer.plan"), []);
    assert.deepEqual(loader.checkEngine("devTransformer", transformer(64), "flux1-dev/transformer.plan"), []);
    assert.throws(
      () => loader.checkEngine("fillTransformer", transformer(64), "transformer.plan"),
      (error: any) => error.code === "MODEL_INVALID" && /hidden_states has shape \[-1, -1, 64\]/.test(error.message) && /Found: hidden_states \(input, bf16/.test(error.message),
    );
  });

  test("an input the pipeline cannot feed, a missing tensor and a wrong type are refused, each named", () => {
    assert.throws(
      () => loader.checkEngine("t5", [input("input_ids", "int64", [-1, 512]), input("attention_mask", "int64", [-1, 512]), output("text_embeddings", "bf16", [-1, 512, 4096])], "t5.plan"),
      /an input the pipeline does not feed: attention_mask/,
    );
    assert.throws(() => loader.checkEngine("vaeDecoder", [input("latent", "fp32", [-1, 16, -1, -1])], "vae_decoder.plan"), /no tensor images/);
    assert.throws(
      () => loader.checkEngine("vaeEncoder", [input("images", "int8", [-1, 3, -1, -1]), output("latent", "fp32", [-1, 16, -1, -1])], "vae_encoder.plan"),
      /images has type int8/,
    );
  });
});

describe("reading an engine plan in chunks", () => {
  const dir = mkdtempSync(join(tmpdir(), "plan-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "engine.plan");
  const content = Buffer.from(Array.from({ length: 1_000_000 }, (_, i) => (i * 31 + (i >> 8)) & 0xff));
  writeFileSync(file, content);

  test("the size is known before the first byte; every chunk reports how far the read has got", () => {
    const read = loader.readChunked(file, 65536, 0);
    assert.equal(read.size, 1_000_000);
    assert.ok(read.data.equals(content));
    assert.equal(read.positions.length, Math.ceil(1_000_000 / 65536) + 1, "one report per read, the last at the end");
    read.positions.forEach((position, i) => assert.equal(position, Math.min((i + 1) * 65536, 1_000_000)));
    assert.equal(read.stopped, false);
  });

  test("a read stops when told (a cancelled load), and reads nothing more", () => {
    const read = loader.readChunked(file, 65536, 200_000);
    assert.equal(read.stopped, true);
    assert.equal(read.data.length, 3 * 65536, "the chunk that passed the stop is not handed on");
    assert.deepEqual(read.positions, [65536, 131072, 196608, 262144]);
  });

  test("a plan that is not there is MODEL_INVALID, naming it", () => {
    assert.throws(() => loader.readChunked(join(dir, "missing.plan"), 65536, 0), (error: any) => error.code === "MODEL_INVALID" && /missing\.plan cannot be read/.test(error.message));
  });
});
