import sharp, { type Metadata } from "sharp";
import { described, InputError } from "../../core/errors.js";
import type { ImageFormat } from "../../core/image-format.js";

// Decoding and encoding with sharp. Everything here works on bytes in memory; storage is apart.

/** Largest input accepted, checked from the header before any pixel is decoded. */
export const MAX_INPUT_PIXELS = 8192 * 8192;

export interface ImageInfo {
  format: ImageFormat;
  /** As displayed: EXIF orientation applied. */
  width: number;
  height: number;
}

/** 8-bit interleaved sRGB pixels, with alpha when the source has it. */
export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
}

const FORMATS: Record<string, ImageFormat> = { png: "PNG", jpeg: "JPEG", webp: "WEBP" };
const KINDS = "PNG, JPEG or WebP image";
const ACCEPTED = `a ${KINDS}`;

/**
 * Checks that `bytes` are a complete still image in an accepted format and returns its facts.
 * The pixels are decoded once so that truncated or corrupt files are refused here, not later.
 * Errors name `field`.
 */
export async function inspectImage(bytes: Buffer, field: string): Promise<ImageInfo> {
  if (bytes.length === 0) throw new InputError(field, ACCEPTED, described("0 bytes"));
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new InputError(field, ACCEPTED, described(`${bytes.length} bytes that are not an image`));
  }
  const format = FORMATS[metadata.format];
  if (!format) throw new InputError(field, ACCEPTED, described(`a ${metadata.format} image`));
  // libvips reads only an APNG's default image, so its frames are counted from the acTL chunk.
  const frames = format === "PNG" ? animatedPngFrames(bytes) : (metadata.pages ?? 1);
  if (frames > 1) {
    throw new InputError(field, `a still ${KINDS}`, described(`an animated ${format} with ${frames} frames`));
  }
  const { width, height } = metadata.autoOrient;
  if (width * height > MAX_INPUT_PIXELS) {
    throw new InputError(field, `an image of at most ${MAX_INPUT_PIXELS} pixels`, described(`a ${width}x${height} image`));
  }
  try {
    await sharp(bytes, { failOn: format === "JPEG" ? "warning" : "error", limitInputPixels: MAX_INPUT_PIXELS }).raw().toBuffer();
  } catch (error) {
    const reason = (error as Error).message.trim();
    // libjpeg only warns about most damage; of its warnings, a premature end is refused (a few
    // hundred bytes could otherwise claim 8192x8192 and be filled in), the rest are tolerated.
    if (format !== "JPEG" || PREMATURE_END.test(reason) || !(await decodesDespiteWarnings(bytes))) {
      throw new InputError(field, `a complete, undamaged ${KINDS}`, described(`a ${format} that fails to decode (${reason})`));
    }
  }
  return { format, width, height };
}

/**
 * Frames of an animated PNG (its acTL chunk's num_frames, which precedes the first IDAT), or 1
 * for a still PNG. PNG chunks: 4-byte big-endian length, 4-byte type, data, 4-byte CRC (APNG
 * specification, W3C PNG 3rd edition section 11.3.6.1).
 */
function animatedPngFrames(bytes: Buffer): number {
  for (let offset = 8; offset + 8 <= bytes.length; ) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString("latin1", offset + 4, offset + 8);
    if (type === "IDAT") return 1;
    if (type === "acTL" && length >= 4 && offset + 12 <= bytes.length) return bytes.readUInt32BE(offset + 8);
    offset += 12 + length;
  }
  return 1;
}

const PREMATURE_END = /premature end/i;

async function decodesDespiteWarnings(bytes: Buffer): Promise<boolean> {
  try {
    await sharp(bytes, { failOn: "error", limitInputPixels: MAX_INPUT_PIXELS }).raw().toBuffer();
    return true;
  } catch {
    return false;
  }
}

/** Pixels as displayed (EXIF orientation applied), in sRGB, 8 bits per channel. */
export async function decodeImage(bytes: Buffer): Promise<RawImage> {
  const { data, info } = await sharp(bytes, { failOn: "error", limitInputPixels: MAX_INPUT_PIXELS, autoOrient: true })
    .toColourspace("srgb")
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 && info.channels !== 4) {
    throw new Error(`Decoder returned ${info.channels} channels; expected 3 or 4`);
  }
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** PNG and WebP are lossless, so pixels round-trip exactly; JPEG does not. */
export async function encodeImage(image: RawImage, format: ImageFormat): Promise<Buffer> {
  const pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  switch (format) {
    case "PNG":
      return pipeline.png().toBuffer();
    case "WEBP":
      return pipeline.webp({ lossless: true }).toBuffer();
    case "JPEG":
      return pipeline.flatten({ background: "#ffffff" }).jpeg({ quality: 92 }).toBuffer();
  }
}
