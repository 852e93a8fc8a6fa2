import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadTestAddon } from "../helpers/native-test-addon.js";

// LoRA weight changes from safetensors files written here (Hugging Face's format: an 8-byte
// little-endian header length, a JSON header, raw little-endian data), against B·A computed
// here: delta = weight * (alpha / r) * B A.

const flux = loadTestAddon().fluxMath;

type Tensor = { dtype: "F32" | "BF16"; shape: number[]; values: number[] };

function safetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Buffer {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const data = Buffer.alloc(t.values.length * (t.dtype === "F32" ? 4 : 2));
    t.values.forEach((v, i) => {
      if (t.dtype === "F32") data.writeFloatLE(v, i * 4);
      else {
        const f = Buffer.alloc(4);
        f.writeFloatLE(v);
        data.writeUInt16LE(f.readUInt16LE(2), i * 2); // exact for values bf16 can hold
      }
    });
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + data.length] };
    offset += data.length;
    chunks.push(data);
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, ...chunks]);
}

const matmul = (b: number[], a: number[], rows: number, rank: number, cols: number) =>
  Array.from({ length: rows * cols }, (_, n) => {
    const [o, i] = [Math.floor(n / cols), n % cols];
    let sum = 0;
    for (let k = 0; k < rank; k++) sum += b[o * rank + k]! * a[k * cols + i]!;
    return sum;
  });

describe("LoRA deltas (safetensors, diffusers/PEFT layout)", () => {
  test("delta = weight * alpha / r * B A, keyed by the transformer weight it changes", () => {
    const [rows, rank, cols] = [3, 2, 4];
    const a = [0.5, -1, 2, 0.25, 1, 1, -0.5, 0];
    const b = [1, 2, -1, 0.5, 0.25, 4];
    const file = safetensors({
      "transformer.single_transformer_blocks.0.proj_out.lora_A.weight": { dtype: "BF16", shape: [rank, cols], values: a },
      "transformer.single_transformer_blocks.0.proj_out.lora_B.weight": { dtype: "F32", shape: [rows, rank], values: b },
      "transformer.single_transformer_blocks.0.proj_out.alpha": { dtype: "F32", shape: [], values: [8] },
    }, { format: "pt" });
    const deltas = flux.loraDeltas(file, 0.75);
    assert.deepEqual(Object.keys(deltas), ["single_transformer_blocks.0.proj_out.weight"]);
    const delta = deltas["single_transformer_blocks.0.proj_out.weight"]!;
    assert.deepEqual([delta.rows, delta.cols], [rows, cols]);
    const expected = matmul(b, a, rows, rank, cols).map((v) => v * 0.75 * (8 / rank));
    expected.forEach((v, i) => assert.ok(Math.abs(delta.values[i]! - v) < 1e-5, `${i}: ${delta.values[i]} vs ${v}`));
  });

  test("without alpha the scale is 1 (alpha = r)", () => {
    const file = safetensors({
      "x.lora_A.weight": { dtype: "F32", shape: [1, 2], values: [1, 2] },
      "x.lora_B.weight": { dtype: "F32", shape: [2, 1], values: [3, 4] },
    });
    assert.deepEqual(Array.from(flux.loraDeltas(file, 1)["x.weight"]!.values), [3, 6, 4, 8]);
  });

  test("malformed files and other layouts are refused with what was expected", () => {
    const kohya = safetensors({ "lora_unet_double_blocks_0_img_attn_qkv.lora_down.weight": { dtype: "F32", shape: [1, 1], values: [1] } });
    assert.throws(() => flux.loraDeltas(kohya, 1), (e: any) => e.code === "MODEL_INVALID" && /lora_A\.weight/.test(e.message));
    assert.throws(() => flux.loraDeltas(Buffer.from([1, 2, 3]), 1), /too short/);
    const lying = Buffer.from(safetensors({ "x.lora_A.weight": { dtype: "F32", shape: [1, 2], values: [1, 2] } }));
    lying.writeBigUInt64LE(BigInt(lying.length));
    assert.throws(() => flux.loraDeltas(lying, 1), /header longer than the file/);
    const badOffsets = Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}')]);
    badOffsets.writeBigUInt64LE(BigInt(badOffsets.length - 8));
    assert.throws(() => flux.loraDeltas(badOffsets, 1), /data offsets/);
    const i8 = Buffer.concat([Buffer.alloc(8), Buffer.from('{"a":{"dtype":"I8","shape":[1],"data_offsets":[0,1]}}'), Buffer.from([0])]);
    i8.writeBigUInt64LE(BigInt(i8.length - 9));
    assert.throws(() => flux.loraDeltas(i8, 1), /expected one of F32, F16, BF16/);
    const garbage = Buffer.concat([Buffer.alloc(8), Buffer.from("{not json")]);
    garbage.writeBigUInt64LE(BigInt(garbage.length - 8));
    assert.throws(() => flux.loraDeltas(garbage, 1), /malformed/);
  });
});
