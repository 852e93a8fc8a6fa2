// The two pieces of work the image benchmark compares, shared by run.mjs and peak.mjs.
//
// path:     the server's own code: decodeImage (sharp) -> OutpaintEngine.outpaint (canvas + infill)
//           -> encodeImage PNG, one after the other, as a job runs them.
// baseline: sharp decoding, extending (edge copy) and encoding the same picture to the same
//           canvas in one pipeline, plus the fill alone on already-decoded pixels.
import sharp from "sharp";
import { decodeImage, encodeImage } from "../../dist/src/infrastructure/media/codec.js";

export const placementFor = (width, height, right) => ({ canvasWidth: width + right, canvasHeight: height, x: 0, y: 0, width, height });

export async function path(engine, bytes, right, infill) {
  const t0 = performance.now();
  const raw = await decodeImage(bytes);
  const t1 = performance.now();
  const filled = await engine.outpaint({ original: raw, placement: placementFor(raw.width, raw.height, right), infill, blur: 0, seed: 1 });
  const t2 = performance.now();
  const png = await encodeImage({ ...filled, channels: filled.channels }, "PNG");
  const t3 = performance.now();
  return { total: t3 - t0, decode: t1 - t0, fill: t2 - t1, encode: t3 - t2, bytes: png.length };
}

/** sharp's own decode + extend + encode of the output canvas, streamed in one pipeline. */
export async function sharpPipeline(bytes, right) {
  const t0 = performance.now();
  const png = await sharp(bytes).extend({ right, extendWith: "copy" }).png().toBuffer();
  return { total: performance.now() - t0, bytes: png.length };
}

/** The fill alone, on pixels decoded beforehand (`raw` from decodeImage). */
export async function fillOnly(engine, raw, right, infill) {
  const t0 = performance.now();
  await engine.outpaint({ original: raw, placement: placementFor(raw.width, raw.height, right), infill, blur: 0, seed: 1 });
  return performance.now() - t0;
}

export async function baseline(engine, bytes, raw, right, infill) {
  const pipeline = await sharpPipeline(bytes, right);
  const fill = await fillOnly(engine, raw, right, infill);
  return { total: pipeline.total + fill, pipeline: pipeline.total, fill };
}
