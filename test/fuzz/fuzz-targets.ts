import { existsSync, readFileSync } from "node:fs";
import fc from "fast-check";
import sharp from "sharp";
import { InputError } from "../../src/core/errors.js";
import { parsePromptText } from "../../src/core/prompt-text.js";
import { decodeImage, inspectImage, MAX_INPUT_PIXELS } from "../../src/infrastructure/media/codec.js";
import { photo } from "../helpers/paths.js";

// Fuzz targets for the two places that take untrusted input apart: the prompt-text parser and the
// image decode path. Each target is a plain check function plus fast-check arbitraries; the unit
// test runs a few hundred cases, scripts/fuzz.mjs runs them against a time budget.

/** A property broke. `input` is the whole offending input, for saving and replaying. */
export class FuzzFailure extends Error {
  constructor(
    message: string,
    readonly input: string | Buffer,
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = "FuzzFailure";
  }
}

const SHOWN = 2000;

/** A JS string literal with everything outside printable ASCII escaped, so that it can be pasted. */
export function previewText(text: string): string {
  const shown = JSON.stringify(text.length > SHOWN ? text.slice(0, SHOWN) : text).replace(
    /[^\x20-\x7e]/g,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return text.length > SHOWN ? `${shown}… (${text.length} UTF-16 units)` : shown;
}

export function previewBytes(bytes: Buffer): string {
  const base64 = bytes.toString("base64");
  return `base64 ${base64.length > SHOWN ? `${base64.slice(0, SHOWN)}…` : base64} (${bytes.length} bytes)`;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `a thrown ${typeof error}: ${String(error)}`;
}

// ---------------------------------------------------------------------------------------------
// Target (a): parsePromptText

export interface PromptCase {
  field: string;
  text: string;
}

/** parsePromptText returns, or throws an InputError that names the field; nothing else. */
export function checkPromptText({ field, text }: PromptCase): void {
  try {
    parsePromptText(text, field);
  } catch (error) {
    const input = `for field ${JSON.stringify(field)} and text ${previewText(text)}`;
    if (!(error instanceof InputError)) {
      throw new FuzzFailure(`parsePromptText threw ${describeError(error)} ${input}`, text, error);
    }
    if (!error.message.startsWith("Expected ")) {
      throw new FuzzFailure(`parsePromptText threw an InputError not starting "Expected ": ${error.message} ${input}`, text, error);
    }
    if (!error.field.startsWith(field)) {
      throw new FuzzFailure(`parsePromptText threw an InputError for field ${JSON.stringify(error.field)} ${input}`, text, error);
    }
  }
}

const GRAMMAR = [
  "--outpaint", "--outpaint_width", "--outpaint_height", "--outpaint_prompt", "--", "---outpaint", "--OUTPAINT",
  "--outpaint=", "--zoom", "-", "--1", '"', "\\", '\\"', "\\\\", "<lora:", "<lora:x:1>", "<lora::>", "<", ">", ":", ".",
  "top-center", "center", "bottom_right", "TOP-LEFT", "middle-left", "0", "1", "8192", "8193", "-1", "-0", "1e3",
  "0x10", "NaN", "Infinity", "2.0001", "-2", "1.", ".5", "٣", "１２",
];
const SPACES = [" ", "  ", "\t", "\n", "\r\n", "\v", "\f", "\u00a0", "\u1680", "\u2028", "\u2029", "\u3000", "\ufeff", "\u200b", "\u180e"];
const UNICODE = [
  "\u0000", "😀", "👩‍👩‍👧‍👦", "🏳️‍🌈", "\ud83d", "\ude00", "\udbff\udfff", "שלום", "مرحبا", "\u202e", "\u200f", "e\u0301",
  "\uffff", "\ufffd", "𝔘𝔫𝔦", "İ", "ß", "\u0085",
];

const numberish = fc.oneof(
  fc.integer().map(String),
  fc.integer({ min: -3, max: 9000 }).map(String),
  fc.double().map(String),
  fc.stringMatching(/^-?\d{1,12}(\.\d{0,6})?$/),
);
const codeUnits = (maxLength: number) =>
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength }).map((units) => String.fromCharCode(...units));
const randomText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: "grapheme", maxLength: 60 }),
  fc.string({ unit: "binary-ascii", maxLength: 200 }),
  codeUnits(200),
);
const flag = fc.constantFrom("--outpaint", "--outpaint_width", "--outpaint_height", "--outpaint_prompt");
const space = fc.constantFrom(...SPACES);
const quoted = fc
  .tuple(fc.array(fc.oneof(fc.constantFrom('\\"', "\\\\", "\\", " ", "--outpaint", ...UNICODE), fc.string({ maxLength: 6 })), { maxLength: 8 }), fc.boolean())
  .map(([parts, closed]) => `"${parts.join("")}${closed ? '"' : ""}`);
const flagWithValue = fc
  .tuple(flag, space, fc.oneof(numberish, quoted, fc.constantFrom("top-center", "center", "Bottom-Right", ""), fc.string({ maxLength: 8 })))
  .map((parts) => parts.join(""));
const loraTag = fc
  .tuple(fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{0,10}$/), fc.string({ maxLength: 6 })), numberish, fc.constantFrom(">", "", " >", ">>"))
  .map(([id, weight, close]) => `<lora:${id}:${weight}${close}`);
const longRun = fc
  .tuple(fc.constantFrom("a", " ", '"', "\\", "<lora:", "--outpaint ", "-", ">", ":", "😀", "\u0000", "--outpaint_prompt \""), fc.integer({ min: 50, max: 20_000 }))
  .map(([unit, count]) => unit.repeat(count));

const token = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...GRAMMAR) },
  { weight: 4, arbitrary: space },
  { weight: 2, arbitrary: fc.constantFrom(...UNICODE) },
  { weight: 2, arbitrary: numberish },
  { weight: 3, arbitrary: flagWithValue },
  { weight: 2, arbitrary: loraTag },
  { weight: 2, arbitrary: quoted },
  { weight: 2, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: longRun },
);

export const promptText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(token, { maxLength: 40 }).map((parts) => parts.join("")) },
  { weight: 2, arbitrary: randomText },
  { weight: 1, arbitrary: longRun },
);

export const promptCase: fc.Arbitrary<PromptCase> = fc
  .tuple(fc.constantFrom("text", "input.prompt.text", "prompts[3].text"), promptText)
  .map(([field, text]) => ({
    field,
    text,
    [fc.toStringMethod]: () => `{ field: ${JSON.stringify(field)}, text: ${previewText(text)} }`,
  }));

/** `onCase` sees each input before it runs (the standalone runner mirrors it for hang reports). */
export function promptProperty(onCase?: (input: PromptCase) => void): fc.IPropertyWithHooks<[PromptCase]> {
  return fc.property(promptCase, (input) => {
    onCase?.(input);
    checkPromptText(input);
  });
}

// ---------------------------------------------------------------------------------------------
// Target (b): inspectImage, then decodeImage on what it accepts

export interface ImageSeed {
  name: string;
  bytes: Buffer;
}

export interface ImageCase {
  label: string;
  bytes: Buffer;
}

export const IMAGE_FIELD = "input.image";
const FORMATS = new Set(["PNG", "JPEG", "WEBP"]);

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}

/**
 * inspectImage resolves with a supported format and sane size, after which decodeImage resolves
 * with the same size; or it rejects with an InputError. A hang counts as a failure after `hangMs`:
 * a hang detector far above any decode's time on a busy machine, not a speed target.
 */
export async function checkImageBytes(bytes: Buffer, hangMs = 5 * 60_000): Promise<void> {
  const fail = (what: string, cause?: unknown): never => {
    throw new FuzzFailure(`${what} for ${previewBytes(bytes)}`, bytes, cause);
  };
  let info;
  try {
    info = await withTimeout(inspectImage(bytes, IMAGE_FIELD), hangMs, "inspectImage");
  } catch (error) {
    if (!(error instanceof InputError)) return fail(`inspectImage rejected with ${describeError(error)}`, error);
    if (!error.message.startsWith("Expected ") || !error.field.startsWith(IMAGE_FIELD)) {
      return fail(`inspectImage rejected with a malformed InputError (${error.field}): ${error.message}`, error);
    }
    return;
  }
  const { format, width, height } = info;
  if (!FORMATS.has(format)) fail(`inspectImage accepted format ${String(format)}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width * height > MAX_INPUT_PIXELS) {
    fail(`inspectImage accepted a ${width}x${height} ${format}`);
  }
  let image;
  try {
    image = await withTimeout(decodeImage(bytes), hangMs, "decodeImage");
  } catch (error) {
    return fail(`decodeImage failed on a ${width}x${height} ${format} that inspectImage accepted: ${describeError(error)}`, error);
  }
  if (image.width !== width || image.height !== height) {
    fail(`inspectImage said ${width}x${height} but decodeImage gave ${image.width}x${image.height}`);
  }
  if (image.data.length !== width * height * image.channels) {
    fail(`decodeImage gave ${image.data.length} bytes for ${width}x${height}x${image.channels}`);
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Rewrites every PNG chunk CRC that fits, so that mutations reach the decoder past the CRC check. */
export function fixPngCrcs(input: Buffer): Buffer {
  if (!input.subarray(0, 8).equals(PNG_SIGNATURE)) return input;
  const bytes = Buffer.from(input);
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    if (length > bytes.length - at - 12) break;
    bytes.writeUInt32BE(crc32(bytes.subarray(at + 4, at + 8 + length)), at + 8 + length);
    at += 12 + length;
  }
  return bytes;
}

function findJpegSof(bytes: Buffer): number {
  for (let at = 2; at + 9 <= bytes.length; at++) {
    const marker = bytes[at + 1]!;
    if (bytes[at] === 0xff && marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return at;
  }
  return -1;
}

/** Writes a width and height into the header fields that declare them, clamped to each field. */
export function setDimensions(input: Buffer, width: number, height: number): Buffer {
  const bytes = Buffer.from(input);
  const clamp = (value: number, max: number) => Math.min(Math.max(value, 0), max);
  const ascii = (at: number, length: number) => bytes.toString("latin1", at, at + length);
  if (bytes.length >= 33 && bytes.subarray(0, 8).equals(PNG_SIGNATURE) && ascii(12, 4) === "IHDR") {
    bytes.writeUInt32BE(clamp(width, 0xffffffff), 16);
    bytes.writeUInt32BE(clamp(height, 0xffffffff), 20);
    bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)), 29);
  } else if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const sof = findJpegSof(bytes);
    if (sof >= 0) {
      bytes.writeUInt16BE(clamp(height, 0xffff), sof + 5);
      bytes.writeUInt16BE(clamp(width, 0xffff), sof + 7);
    }
  } else if (bytes.length >= 30 && ascii(0, 4) === "RIFF" && ascii(8, 4) === "WEBP") {
    const chunk = ascii(12, 4);
    if (chunk === "VP8X") {
      bytes.writeUIntLE(clamp(width - 1, 0xffffff), 24, 3);
      bytes.writeUIntLE(clamp(height - 1, 0xffffff), 27, 3);
    } else if (chunk === "VP8L") {
      const w = clamp(width - 1, 0x3fff);
      const h = clamp(height - 1, 0x3fff);
      const rest = bytes.readUInt32LE(21) & 0xf0000000;
      bytes.writeUInt32LE((rest | w | (h << 14)) >>> 0, 21);
    } else if (chunk === "VP8 ") {
      bytes.writeUInt16LE(clamp(width, 0x3fff), 26);
      bytes.writeUInt16LE(clamp(height, 0x3fff), 28);
    }
  }
  return bytes;
}

async function tryMake(name: string, make: () => Promise<Buffer>): Promise<ImageSeed[]> {
  try {
    return [{ name, bytes: await make() }];
  } catch {
    return []; // this libvips build lacks the encoder; the other seeds still cover the rest
  }
}

/** A gradient with some pseudo-random grain: like a photo to the encoders, and the same every run. */
function texture(width: number, height: number, channels: number, salt: number): Buffer {
  const data = Buffer.alloc(width * height * channels);
  let state = salt;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const pixel = Math.floor(i / channels);
    data[i] = ((pixel % width) * 5 + Math.floor(pixel / width) * 9 + (i % channels) * 60 + (state >>> 26)) & 0xff;
  }
  return data;
}

/** Small valid images of every accepted format, of some refused formats, real photos, and bombs. */
export async function makeImageSeeds(): Promise<ImageSeed[]> {
  const noisy = (channels: 3 | 4 = 3, salt = 1) => sharp(texture(37, 23, channels, salt), { raw: { width: 37, height: 23, channels } });
  const flat = () => sharp({ create: { width: 37, height: 23, channels: 4, background: { r: 200, g: 80, b: 30, alpha: 0.5 } } });
  const frames = await Promise.all([1, 2].map((salt) => noisy(3, salt).png().toBuffer()));
  const made = await Promise.all([
    tryMake("png", () => noisy().png().toBuffer()),
    tryMake("png-rgba", () => flat().png().toBuffer()),
    tryMake("png-palette", () => noisy().png({ palette: true }).toBuffer()),
    tryMake("png-grey16", () => noisy().toColourspace("grey16").png().toBuffer()),
    tryMake("png-interlaced", () => noisy(4).png({ progressive: true }).toBuffer()),
    tryMake("png-orientation-5", () => noisy().png().withMetadata({ orientation: 5 }).toBuffer()),
    tryMake("jpeg", () => noisy().jpeg().toBuffer()),
    tryMake("jpeg-progressive", () => noisy().jpeg({ progressive: true, quality: 60 }).toBuffer()),
    tryMake("jpeg-orientation-6", () => noisy().jpeg().withMetadata({ orientation: 6 }).toBuffer()),
    tryMake("jpeg-cmyk", () => noisy().toColourspace("cmyk").jpeg().toBuffer()),
    tryMake("webp", () => noisy().webp().toBuffer()),
    tryMake("webp-lossless", () => noisy().webp({ lossless: true }).toBuffer()),
    tryMake("webp-alpha", () => flat().webp().toBuffer()),
    tryMake("webp-orientation-8", () => noisy(4).webp().withMetadata({ orientation: 8 }).toBuffer()),
    tryMake("webp-animated", () => sharp(frames, { join: { animated: true } }).webp().toBuffer()),
    tryMake("gif", () => noisy().gif().toBuffer()),
    tryMake("tiff", () => noisy().tiff().toBuffer()),
    tryMake("avif", () => noisy().avif({ quality: 30, effort: 0 }).toBuffer()),
    tryMake("svg", async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="37" height="23"><rect width="37" height="23" fill="red"/></svg>')),
  ]);
  const seeds = made.flat();
  const byName = (name: string) => seeds.find((seed) => seed.name === name)?.bytes;

  const photos: ImageSeed[] = [];
  if (existsSync(photo("rocket.jpg"))) {
    const rocket = readFileSync(photo("rocket.jpg"));
    photos.push({ name: "photo-rocket-small", bytes: await sharp(rocket).resize(64).jpeg().toBuffer() });
    photos.push({ name: "photo-rocket-truncated", bytes: rocket.subarray(0, Math.floor(rocket.length * 0.6)) });
  }
  if (existsSync(photo("chelsea.png"))) {
    const chelsea = await sharp(readFileSync(photo("chelsea.png"))).resize(48).png().toBuffer();
    photos.push({ name: "photo-chelsea-small", bytes: chelsea });
    photos.push({ name: "photo-chelsea-truncated", bytes: chelsea.subarray(0, Math.floor(chelsea.length * 0.7)) });
  }
  if (existsSync(photo("coffee.png"))) {
    photos.push({ name: "photo-coffee-webp", bytes: await sharp(readFileSync(photo("coffee.png"))).resize(56).webp().toBuffer() });
  }

  // Headers that declare far more pixels than the bytes hold (decompression-bomb style), and sizes
  // at and just past MAX_INPUT_PIXELS.
  const bombs: ImageSeed[] = [];
  const bomb = (name: string, base: Buffer | undefined, width: number, height: number) => {
    if (base) bombs.push({ name, bytes: setDimensions(base, width, height) });
  };
  bomb("png-100000x100000", byName("png"), 100_000, 100_000);
  bomb("png-8192x8192", byName("png"), 8192, 8192);
  bomb("png-8192x8193", byName("png"), 8192, 8193);
  bomb("jpeg-65500x65500", byName("jpeg"), 65_500, 65_500);
  bomb("webp-extended-16383x16383", byName("webp-orientation-8"), 16_383, 16_383);
  bomb("webp-lossless-16383x16383", byName("webp-lossless"), 16_383, 16_383);
  bomb("webp-lossy-16383x16383", byName("webp"), 16_383, 16_383);
  return [...seeds, ...photos, ...bombs];
}

type Mutation =
  | { op: "flip"; at: number; bit: number }
  | { op: "set"; at: number; value: number }
  | { op: "set32"; at: number; value: number }
  | { op: "duplicate"; at: number; length: number; to: number }
  | { op: "delete"; at: number; length: number }
  | { op: "truncate"; at: number }
  | { op: "extend"; bytes: Uint8Array }
  | { op: "dimensions"; width: number; height: number };

const INTERESTING_BYTES = [0, 0xff, 0x7f, 0x80, 0x01, 0xfe];
const INTERESTING_32 = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];
const SIZES = [0, 1, 2, 8191, 8192, 8193, 16_383, 16_384, 65_500, 65_535, 100_000, 0x7fffffff, 0xffffffff];

// Taken modulo the input's length. fc.nat() alone favours small values, i.e. the header; mutations
// spread over the whole file reach the decoders more often.
const position = fc.oneof({ weight: 1, arbitrary: fc.nat({ max: 63 }) }, { weight: 3, arbitrary: fc.noBias(fc.nat()) });
const size = fc.oneof(fc.constantFrom(...SIZES), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 0xffffffff }));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("flip" as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant("set" as const), at: position, value: fc.oneof(fc.constantFrom(...INTERESTING_BYTES), fc.integer({ min: 0, max: 255 })) }),
  fc.record({ op: fc.constant("set32" as const), at: position, value: fc.constantFrom(...INTERESTING_32) }),
  fc.record({ op: fc.constant("duplicate" as const), at: position, length: fc.integer({ min: 1, max: 4096 }), to: position }),
  fc.record({ op: fc.constant("delete" as const), at: position, length: fc.integer({ min: 1, max: 4096 }) }),
  fc.record({ op: fc.constant("truncate" as const), at: position }),
  fc.record({ op: fc.constant("extend" as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 256 }) }),
  fc.record({
    op: fc.constant("dimensions" as const),
    width: size,
    height: size,
  }),
);

function mutate(input: Buffer, change: Mutation): Buffer {
  const n = input.length;
  switch (change.op) {
    case "flip":
    case "set":
    case "set32": {
      if (n === 0) return input;
      const bytes = Buffer.from(input);
      const at = change.at % n;
      if (change.op === "flip") bytes[at]! ^= 1 << change.bit;
      else if (change.op === "set") bytes[at] = change.value;
      else if (at + 4 <= n) bytes.writeUInt32BE(change.value, at);
      return bytes;
    }
    case "duplicate": {
      if (n === 0) return input;
      const at = change.at % n;
      const to = change.to % (n + 1);
      return Buffer.concat([input.subarray(0, to), input.subarray(at, at + change.length), input.subarray(to)]);
    }
    case "delete": {
      if (n === 0) return input;
      const at = change.at % n;
      return Buffer.concat([input.subarray(0, at), input.subarray(at + change.length)]);
    }
    case "truncate":
      return input.subarray(0, change.at % (n + 1));
    case "extend":
      return Buffer.concat([input, change.bytes]);
    case "dimensions":
      return setDimensions(input, change.width, change.height);
  }
}

function describeMutation(change: Mutation): string {
  const { op, ...rest } = change;
  if (op === "extend") return `extend(${change.bytes.length} bytes)`;
  return `${op}(${Object.values(rest).join(",")})`;
}

const MAGIC = [
  PNG_SIGNATURE,
  Buffer.from([0xff, 0xd8, 0xff]),
  Buffer.from("RIFF\0\0\0\0WEBPVP8 ", "latin1"),
  Buffer.from("RIFF\0\0\0\0WEBPVP8L", "latin1"),
  Buffer.from("GIF89a", "latin1"),
  Buffer.from("II*\0", "latin1"),
  Buffer.from("\0\0\0\x1cftypavif", "latin1"),
  Buffer.from("<svg ", "latin1"),
  Buffer.alloc(0),
];

function imageCaseOf(label: string, bytes: Buffer): ImageCase {
  return { label, bytes, [fc.toStringMethod]: () => `{ label: ${JSON.stringify(label)}, bytes: ${previewBytes(bytes)} }` } as ImageCase;
}

export function imageCase(seeds: readonly ImageSeed[]): fc.Arbitrary<ImageCase> {
  if (seeds.length === 0) throw new Error("imageCase needs at least one seed");
  const seed = fc.constantFrom(...seeds);
  const mutated = fc
    .tuple(seed, fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean())
    .map(([{ name, bytes }, changes, fixCrcs]) => {
      let out = changes.reduce(mutate, bytes);
      if (fixCrcs) out = fixPngCrcs(out);
      return imageCaseOf(`${name} ${changes.map(describeMutation).join(" ")}${fixCrcs ? " fix-crcs" : ""}`, out);
    });
  const random = fc
    .tuple(fc.constantFrom(...MAGIC), fc.uint8Array({ maxLength: 512 }))
    .map(([magic, tail]) => imageCaseOf(`random after ${JSON.stringify(magic.toString("latin1"))}`, Buffer.concat([magic, tail])));
  return fc.oneof(
    { weight: 8, arbitrary: mutated },
    { weight: 1, arbitrary: seed.map(({ name, bytes }) => imageCaseOf(name, bytes)) },
    { weight: 1, arbitrary: random },
  );
}

export function imageProperty(
  seeds: readonly ImageSeed[],
  onCase?: (input: ImageCase) => void,
  hangMs?: number,
): fc.IAsyncPropertyWithHooks<[ImageCase]> {
  return fc.asyncProperty(imageCase(seeds), async (input) => {
    onCase?.(input);
    await checkImageBytes(input.bytes, hangMs);
  });
}
