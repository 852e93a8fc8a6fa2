import sharp from "sharp";

export interface Pixels {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
}

/** Decoded as the server decodes inputs: EXIF orientation applied, sRGB, 8-bit. */
export async function decode(bytes: Buffer): Promise<Pixels> {
  const { data, info } = await sharp(bytes, { autoOrient: true }).toColourspace("srgb").raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** Number of bytes that differ between `original` and the same-sized region of `canvas` at (x, y). */
export function regionDifferences(canvas: Pixels, original: Pixels, x: number, y: number): number {
  if (canvas.channels !== original.channels) throw new Error(`channels ${canvas.channels} vs ${original.channels}`);
  let differences = 0;
  const rowBytes = original.width * original.channels;
  for (let row = 0; row < original.height; row++) {
    const start = ((y + row) * canvas.width + x) * canvas.channels;
    const a = canvas.data.subarray(start, start + rowBytes);
    const b = original.data.subarray(row * rowBytes, (row + 1) * rowBytes);
    if (!a.equals(b)) for (let i = 0; i < rowBytes; i++) if (a[i] !== b[i]) differences++;
  }
  return differences;
}

/** The `width x height` region of `image` at (x, y), as its own image. */
export function crop(image: Pixels, x: number, y: number, width: number, height: number): Pixels {
  const rowBytes = width * image.channels;
  const data = Buffer.alloc(rowBytes * height);
  for (let row = 0; row < height; row++) {
    const start = ((y + row) * image.width + x) * image.channels;
    image.data.copy(data, row * rowBytes, start, start + rowBytes);
  }
  return { data, width, height, channels: image.channels };
}
