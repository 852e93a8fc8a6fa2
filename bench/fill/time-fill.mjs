// Times PATCHMATCH fills of one case in a fresh process and prints, as JSON, the seconds of each
// and the process's peak resident memory:
//   node bench/fill/time-fill.mjs <truth.png> <x> <y> <width> <height> <fills>
// The addon is the build's, or OUTPAINT_NATIVE_ADDON's (the bench times an earlier build this way).
import { availableParallelism } from "node:os";
import sharp from "sharp";
import { OutpaintEngine } from "../../dist/src/infrastructure/native/outpaint-engine.js";
import { vmHwm } from "../lib/server.mjs";

const [file, ...numbers] = process.argv.slice(2);
const [x, y, width, height, fills] = numbers.map(Number);
const truth = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const original = await sharp(truth.data, { raw: truth.info }).extract({ left: x, top: y, width, height }).raw().toBuffer();
const before = process.memoryUsage().rss;
const engine = OutpaintEngine.open({ threads: availableParallelism() });
const seconds = [];
for (let seed = 1; seed <= fills; seed++) {
  const start = performance.now();
  await engine.outpaint({
    original: { data: original, width, height, channels: 3 },
    placement: { canvasWidth: truth.info.width, canvasHeight: truth.info.height, x, y, width, height },
    infill: "PATCHMATCH",
    blur: 0,
    seed,
  });
  seconds.push((performance.now() - start) / 1000);
}
engine.close();
console.log(JSON.stringify({ seconds, baselineBytes: before, peakBytes: vmHwm() }));
