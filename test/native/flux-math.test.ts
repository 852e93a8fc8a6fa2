import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadTestAddon } from "../helpers/native-test-addon.js";

// The CPU references of FLUX.1 Fill's formulas (native/src/flux) against values computed here
// independently: the schedule straight from the published formula in float64, the layouts as
// numpy-style reshape/transpose of index arrays rather than the native index arithmetic.

const flux = loadTestAddon().fluxMath;

/** diffusers' FluxFillPipeline + FlowMatchEulerDiscreteScheduler(use_dynamic_shifting), in float64. */
function referenceSigmas(steps: number, width: number, height: number): number[] {
  const seq = (height / 16) * (width / 16);
  const m = (1.15 - 0.5) / (4096 - 256);
  const mu = seq * m + (0.5 - 256 * m);
  const linspace = Array.from({ length: steps }, (_, i) => (steps === 1 ? 1 : 1 + ((1 / steps - 1) * i) / (steps - 1)));
  return [...linspace.map((s) => Math.exp(mu) / (Math.exp(mu) + (1 / s - 1))), 0];
}

/** out = x.reshape(shape).transpose(axes).flatten(), for any rank. */
function transpose(x: ArrayLike<number>, shape: number[], axes: number[]): number[] {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const outShape = axes.map((a) => shape[a]!);
  const total = shape.reduce((a, b) => a * b, 1);
  const out = new Array<number>(total);
  const index = new Array<number>(outShape.length).fill(0);
  for (let n = 0; n < total; n++) {
    let source = 0;
    for (let k = 0; k < axes.length; k++) source += index[k]! * strides[axes[k]!]!;
    out[n] = x[source]!;
    for (let k = outShape.length - 1; k >= 0; k--) {
      if (++index[k]! < outShape[k]!) break;
      index[k] = 0;
    }
  }
  return out;
}

/** diffusers' _pack_latents: view(C, h/2, 2, w/2, 2).permute(1, 3, 0, 2, 4).reshape(L, 4C). */
const referencePack = (latent: ArrayLike<number>, c: number, h: number, w: number) =>
  transpose(latent, [c, h / 2, 2, w / 2, 2], [1, 3, 0, 2, 4]);
/** FluxFillPipeline's mask: view(h, 8, w, 8).permute(1, 3, 0, 2).reshape(64, h, w). */
const referenceSpaceToDepth = (mask: ArrayLike<number>, height: number, width: number) =>
  transpose(mask, [height / 8, 8, width / 8, 8], [1, 3, 0, 2]);

const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => i);

describe("FLUX.1 Fill formulas (CPU references)", () => {
  for (const [width, height] of [
    [1024, 1024],
    [1024, 1536],
  ] as const) {
    for (const steps of [28, 50]) {
      test(`sigmas for ${steps} steps at ${width}x${height}`, () => {
        const native = flux.sigmas(steps, width, height);
        const expected = referenceSigmas(steps, width, height);
        assert.equal(native.length, steps + 1);
        for (let i = 0; i <= steps; i++) assert.ok(Math.abs(native[i]! - expected[i]!) < 1e-6, `sigma ${i}: ${native[i]} vs ${expected[i]}`);
        assert.equal(native[0], 1);
        assert.equal(native[steps], 0);
        for (let i = 1; i <= steps; i++) assert.ok(native[i]! < native[i - 1]!, "strictly decreasing");
      });
    }
  }

  test("the shift is 1.15 at 1024x1024 (4096 tokens) and grows with size: known values", () => {
    // sigma_1 at 1024^2, 28 steps: e^1.15 / (e^1.15 + (1/(1 - 1/28) - 1)) = 0.98840863 (diffusers' timestep 988.4).
    assert.ok(Math.abs(flux.sigmas(28, 1024, 1024)[1]! - 0.98840863) < 1e-6);
    // 1024x1536 has 6144 tokens: mu = 6144 * 0.65/3840 + 0.45667 = 1.49667, above 1.15.
    const at1536 = flux.sigmas(28, 1024, 1536)[1]!;
    const mu = 6144 * (0.65 / 3840) + (0.5 - 256 * (0.65 / 3840));
    assert.ok(Math.abs(at1536 - Math.exp(mu) / (Math.exp(mu) + 1 / 27)) < 1e-6);
    assert.ok(at1536 > flux.sigmas(28, 1024, 1024)[1]!);
  });

  test("image-to-image starts where diffusers' get_timesteps does", () => {
    for (const [steps, strength, start] of [
      [50, 1, 0],
      [50, 0.75, 12], // int(50 - 37.5)
      [28, 0.6, 11], // int(28 - 16.8)
      [50, 0, 50],
    ] as const) {
      assert.equal(flux.firstStep(steps, strength), start, `${steps} steps at strength ${strength}`);
    }
  });

  test("pack and unpack: the 2x2 patch layout, and a round trip", () => {
    for (const [c, h, w] of [
      [16, 128, 128],
      [16, 128, 192],
      [3, 4, 6],
    ] as const) {
      const latent = ramp(c * h * w);
      const packed = flux.packLatents(latent, c, h, w);
      assert.deepEqual(Array.from(packed), referencePack(latent, c, h, w), `pack ${c}x${h}x${w}`);
      assert.deepEqual(flux.unpackLatents(packed, c, h, w), latent, "unpack inverts pack");
    }
    // Spelled out for one token: packed[i*(w/2)+j][c*4 + 2*di + dj] = lat[c][2i+di][2j+dj].
    const [c, h, w] = [2, 4, 6];
    const packed = flux.packLatents(ramp(c * h * w), c, h, w);
    const [i, j, channel, di, dj] = [1, 2, 1, 1, 0];
    assert.equal(packed[(i * (w / 2) + j) * (c * 4) + channel * 4 + 2 * di + dj], channel * h * w + (2 * i + di) * w + (2 * j + dj));
  });

  test("mask space-to-depth: 64 channels at 1/8 resolution, channel = 8 dy + dx", () => {
    for (const [height, width] of [
      [64, 64],
      [1024, 1536],
    ] as const) {
      const mask = ramp(height * width);
      const channels = flux.maskToLatentChannels(mask, height, width);
      assert.deepEqual(Array.from(channels), referenceSpaceToDepth(mask, height, width), `${width}x${height}`);
      // Packed as a 64-channel latent, a token holds 256 mask values.
      assert.equal(flux.packLatents(channels, 64, height / 8, width / 8).length / ((height / 16) * (width / 16)), 256);
    }
    const channels = flux.maskToLatentChannels(ramp(16 * 24), 16, 24);
    // mask[8y + dy][8x + dx] lands in channel dy*8 + dx at (y, x): here y = 1, x = 2, dy = 3, dx = 5.
    assert.equal(channels[(3 * 8 + 5) * (2 * 3) + 1 * 3 + 2], (8 * 1 + 3) * 24 + (8 * 2 + 5));
  });

  test("image ids are (0, row, column) per token", () => {
    const ids = flux.imageIds(4, 6); // 2 x 3 tokens
    assert.deepEqual(Array.from(ids), [0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 1, 0, 0, 1, 1, 0, 1, 2]);
  });

  test("Euler step: x + (sigma_next - sigma) v in fp32", () => {
    const sigmas = flux.sigmas(28, 1024, 1024);
    const x = Float32Array.from([0.5, -1.25, 3, 0]);
    const v = Float32Array.from([2, 4, -1, 0.125]);
    const stepped = flux.eulerStep(x, v, sigmas[3]!, sigmas[4]!);
    const dt = Math.fround(sigmas[4]! - sigmas[3]!);
    for (let i = 0; i < x.length; i++) assert.equal(stepped[i], Math.fround(x[i]! + Math.fround(dt * v[i]!)));
    // Integrating a constant velocity over the whole schedule moves x by -v (sigma goes 1 -> 0).
    let y: Float32Array = Float32Array.from([0]);
    for (let i = 0; i < 28; i++) y = flux.eulerStep(y, Float32Array.from([1]), sigmas[i]!, sigmas[i + 1]!);
    assert.ok(Math.abs(y[0]! + 1) < 1e-5);
  });

  test("initial noise is standard normal and fixed by the seed", () => {
    const a = flux.gaussianNoise(7, 200_000);
    assert.deepEqual(a, flux.gaussianNoise(7, 200_000));
    assert.notDeepEqual(a.subarray(0, 16), flux.gaussianNoise(8, 16));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
    assert.ok(Math.abs(mean) < 0.01 && Math.abs(variance - 1) < 0.02, `mean ${mean}, variance ${variance}`);
  });

  test("latent preview: RGB at latent resolution from the published linear factors", () => {
    const zero = flux.previewLatents(new Float32Array(16 * 2 * 2), 16, 2, 2);
    // A zero latent shows the bias: (b + 1) / 2 * 255 for b = (-0.0329, -0.0718, -0.0851).
    assert.deepEqual(Array.from(zero.subarray(0, 3)), [Math.round(((-0.0329 + 1) / 2) * 255), Math.round(((-0.0718 + 1) / 2) * 255), Math.round(((-0.0851 + 1) / 2) * 255)]);
    assert.equal(zero.length, 2 * 2 * 3);
  });

  test("bad arguments are refused with the field named", () => {
    assert.throws(() => flux.sigmas(0, 1024, 1024), /steps/);
    assert.throws(() => flux.packLatents(new Float32Array(10), 16, 2, 2), /latent/);
    assert.throws(() => flux.maskToLatentChannels(new Float32Array(100), 10, 10), /multiples of 8/);
  });
});

// The remaining CPU references, each against values written here from diffusers' own formulas
// (VaeImageProcessor, FluxFillPipeline, FlowMatchEulerDiscreteScheduler), in float32 where
// diffusers computes in float32 (Math.fround after every operation).
const f = Math.fround;

/** numpy's round(): half to even. */
function roundHalfEven(v: number): number {
  const floor = Math.floor(v);
  const rest = v - floor;
  if (rest !== 0.5) return rest < 0.5 ? floor : floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Deterministic values in [low, high) (xorshift), so failures reproduce. */
function floats(count: number, low: number, high: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  return Float32Array.from({ length: count }, () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return low + ((state >>> 0) / 2 ** 32) * (high - low);
  });
}

const bytes = (count: number, seed: number) => Uint8Array.from(floats(count, 0, 256, seed), (v) => Math.floor(v));

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

describe("FLUX image and latent references against diffusers' formulas", () => {
  const [height, width] = [24, 40];
  const pixels = height * width;

  test("binarize: a mask pixel v is new content where v / 255 >= 0.5 (VaeImageProcessor do_binarize)", () => {
    const all = Uint8Array.from({ length: 256 }, (_, v) => v);
    const binary = flux.binarizeMask(all);
    all.forEach((v) => assert.equal(binary[v], f(v / 255) >= 0.5 ? 1 : 0, `mask value ${v}`));
  });

  test("image to tensor: 2 (v / 255) - 1, planar; masked pixels image * (1 - mask) = 0 (FluxFillPipeline)", () => {
    const rgb = bytes(pixels * 3, 5);
    const mask = flux.binarizeMask(bytes(pixels, 6));
    for (const withMask of [false, true]) {
      const tensor = flux.imageToTensor(rgb, withMask ? mask : null, height, width);
      assert.equal(tensor.length, pixels * 3);
      for (let c = 0; c < 3; c++) {
        for (let i = 0; i < pixels; i++) {
          const image = f(f(2 * f(rgb[i * 3 + c]! / 255)) - 1);
          const expected = withMask ? f(image * f(1 - mask[i]!)) : image;
          assert.ok(tensor[c * pixels + i] === expected, `channel ${c} pixel ${i}: ${tensor[c * pixels + i]} vs ${expected}`);
        }
      }
    }
  });

  test("tensor to image: ((x / 2 + 0.5).clamp(0, 1) * 255).round(), half to even (VaeImageProcessor.postprocess)", () => {
    // Random values past both ends, and values whose scaled result lies on or next to a half.
    const values = Float32Array.from([...floats(pixels * 3 - 64, -1.3, 1.3, 7), ...Array.from({ length: 64 }, (_, k) => (2 * (k * 4 + 0.5)) / 255 - 1)]);
    const image = flux.tensorToImage(values, height, width);
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < pixels; i++) {
        const unit = Math.min(Math.max(f(f(values[c * pixels + i]! / 2) + 0.5), 0), 1);
        assert.equal(image[i * 3 + c], roundHalfEven(f(unit * 255)), `channel ${c} pixel ${i} from ${values[c * pixels + i]}`);
      }
    }
  });

  test("Fill input per token: [noisy latent (64) | masked-image latent (64) | mask (256)] (torch.cat, last axis)", () => {
    const tokens = 6;
    const [x, masked, mask] = [floats(tokens * 64, -2, 2, 1), floats(tokens * 64, -2, 2, 2), floats(tokens * 256, 0, 1, 3)];
    const hidden = flux.concatFillInput(x, masked, mask, tokens);
    const expected = Array.from({ length: tokens }, (_, t) => [
      ...x.subarray(t * 64, t * 64 + 64),
      ...masked.subarray(t * 64, t * 64 + 64),
      ...mask.subarray(t * 256, t * 256 + 256),
    ]).flat();
    assert.deepEqual(Array.from(hidden), expected);
  });

  test("VAE latents: (z - shift_factor) * scaling_factor in, z / scaling_factor + shift_factor out (0.1159, 0.3611)", () => {
    const z = floats(500, -4, 4, 9);
    const normalized = flux.normalizeLatent(z);
    z.forEach((v, i) => assert.equal(normalized[i], f(f(v - f(0.1159)) * f(0.3611)), `normalize ${v}`));
    const back = flux.denormalizeLatent(normalized);
    normalized.forEach((v, i) => assert.equal(back[i], f(f(v / f(0.3611)) + f(0.1159)), `denormalize ${v}`));
    assertClose(back, z, 1e-5, "round trip");
  });

  test("image-to-image's first step: sigma * noise + (1 - sigma) * x0 at get_timesteps' start (scale_noise)", () => {
    const [noise, x0] = [floats(300, -3, 3, 11), floats(300, -3, 3, 12)];
    // get_timesteps: init = min(N * strength, N), start = int(max(N - init, 0)) = int(28 - 16.8).
    const start = flux.firstStep(28, 0.6);
    assert.equal(start, 11);
    const sigma = flux.sigmas(28, 1024, 1024)[start]!;
    const blended = flux.blendNoise(noise, x0, sigma);
    // One rounding of slack: a compiler may fuse the multiply-add.
    assertClose(blended, Array.from(noise, (n, i) => f(f(sigma * n) + f(f(1 - sigma) * x0[i]!))), 1e-6, "blend");
  });

  test("padding to multiples of 16 repeats the last row and column; the mask marks padding as new; crop undoes it", () => {
    const image = { data: Buffer.from(bytes(37 * 23 * 3, 13)), width: 37, height: 23, channels: 3 };
    const padded = flux.padImage(image);
    assert.deepEqual([padded.width, padded.height, padded.channels], [48, 32, 3]);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 48; x++) {
        const from = (Math.min(y, 22) * 37 + Math.min(x, 36)) * 3;
        assert.deepEqual([...padded.data.subarray((y * 48 + x) * 3, (y * 48 + x) * 3 + 3)], [...image.data.subarray(from, from + 3)], `${x},${y}`);
      }
    }
    assert.ok(flux.cropImage(padded, 37, 23).data.equals(image.data), "crop gives the original back");
    const mask = { data: bytes(37 * 23, 14), width: 37, height: 23 };
    const paddedMask = flux.padMask(mask);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 48; x++) {
        assert.equal(paddedMask.data[y * 48 + x], x < 37 && y < 23 ? mask.data[y * 37 + x] : 255, `mask ${x},${y}`);
      }
    }
  });

  test("generation on FLUX.1 Fill: a wholly masked canvas conditions on a grey image and a mask of ones", () => {
    // FluxFillPipeline with mask_image all white: masked_image = image * (1 - 1) = 0 (grey), whatever the init.
    const [h, w] = [48, 64];
    const ones = flux.binarizeMask(new Uint8Array(h * w).fill(255));
    assert.ok(ones.every((v) => v === 1));
    const tensor = flux.imageToTensor(bytes(h * w * 3, 15), ones, h, w);
    assert.ok(tensor.every((v) => v === 0), "the masked image is grey everywhere");
    const packedMask = flux.packLatents(flux.maskToLatentChannels(ones, h, w), 64, h / 8, w / 8);
    assert.equal(packedMask.length, (h / 16) * (w / 16) * 256);
    assert.ok(packedMask.every((v) => v === 1), "every token's 256 mask values are 1");
  });
});
