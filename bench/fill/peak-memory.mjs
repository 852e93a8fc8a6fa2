// Runs one PATCHMATCH fill in a fresh process and prints its peak resident memory as JSON:
// node bench/fill/peak-memory.mjs <truth.png> <x> <y> <width> <height>
import sharp from "sharp";
import { OutpaintEngine } from "../../dist/src/infrastructure/native/outpaint-engine.js";

const [file, ...numbers] = process.argv.slice(2);
const [x, y, width, height] = numbers.map(Number);
const truth = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const original = await sharp(truth.data, { raw: truth.info }).extract({ left: x, top: y, width, height }).raw().toBuffer();
const before = process.memoryUsage().rss;
const engine = OutpaintEngine.open({ threads: 2 });
await engine.outpaint({
  original: { data: original, width, height, channels: 3 },
  placement: { canvasWidth: truth.info.width, canvasHeight: truth.info.height, x, y, width, height },
  infill: "PATCHMATCH",
  blur: 0,
  seed: 1,
});
engine.close();
console.log(JSON.stringify({ baselineBytes: before, peakBytes: process.resourceUsage().maxRSS * 1024 }));
