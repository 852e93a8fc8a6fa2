// The image path for 1, 4 and 16 megapixel inputs: decode, canvas + infill (EDGE, and PATCHMATCH
// where the canvas allows), encode PNG, against sharp's own decode + extend + encode of the same
// canvas plus the fill alone; throughput with 1, 2 and 4 images at once; peak RSS.
//
//   npm run bench:image [-- --quick]
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { decodeImage } from "../../dist/src/infrastructure/media/codec.js";
import { OutpaintEngine } from "../../dist/src/infrastructure/native/outpaint-engine.js";
import { loadLine, machineLine, mib, ms, QUICK, ratio, ROOT, step, table, targetTable, watchLoad, writeArea } from "../lib/report.mjs";
import { median } from "../lib/stats.mjs";
import { baseline, fillOnly, path, sharpPipeline } from "./work.mjs";

const MAX_PATCHMATCH_SIDE = 4096;
const SIZES = [
  { name: "1 MP", width: 1224, height: 816, runs: QUICK ? 3 : 5 },
  { name: "4 MP", width: 2448, height: 1632, runs: 3 },
  ...(QUICK ? [] : [{ name: "16 MP", width: 4896, height: 3264, runs: 3 }]),
];
const PARALLEL = [1, 2, 4];
const THROUGHPUT_CASES = [
  { size: "1 MP", infill: "PATCHMATCH" },
  { size: "4 MP", infill: "EDGE" },
];
const out = join(ROOT, ".cache/bench/image");
mkdirSync(out, { recursive: true });
const load = watchLoad();
const cores = availableParallelism();
const engine = OutpaintEngine.open({ threads: cores }); // as the server: FILL_THREADS defaults to the cores

// Inputs: a photo scaled to each size, as a JPEG (quality 90) as cameras and phones send them.
const source = join(ROOT, ".cache/bench-assets/photos/flower.png");
for (const size of SIZES) {
  const picture = await sharp(source)
    .resize({ width: size.width, height: size.height, fit: "fill", kernel: "lanczos3" })
    .toBuffer()
    .catch(() => sharp({ create: { width: size.width, height: size.height, channels: 3, noise: { type: "gaussian", mean: 120, sigma: 40 } } }).png().toBuffer());
  size.bytes = await sharp(picture).jpeg({ quality: 90 }).toBuffer();
  size.file = join(out, `input-${size.name.replace(" ", "")}.jpg`);
  writeFileSync(size.file, size.bytes);
  size.right = Math.round(size.width / 4); // extend right by a quarter: canvas 1.25x
  size.infills = size.width + size.right <= MAX_PATCHMATCH_SIDE && size.height <= MAX_PATCHMATCH_SIDE ? ["EDGE", "PATCHMATCH"] : ["EDGE"];
}

// ---- latency of one image at a time: path vs baseline, interleaved, median of the runs --------
const rows = [];
for (const size of SIZES) {
  const raw = await decodeImage(size.bytes);
  for (const infill of size.infills) {
    step(`latency: ${size.name} ${infill}`);
    await path(engine, size.bytes, size.right, infill); // warm-up
    const paths = [];
    const bases = [];
    for (let run = 0; run < size.runs; run++) {
      paths.push(await path(engine, size.bytes, size.right, infill));
      bases.push(await baseline(engine, size.bytes, raw, size.right, infill));
    }
    const m = (list, key) => median(list.map((x) => x[key]));
    // The fill in the denominator is the one timed inside the same path run: the fill timed alone
    // does the same work, and taking it would only add its run-to-run noise to the ratio.
    const ratios = paths.map((p, i) => p.total / (bases[i].pipeline + p.fill));
    rows.push({
      size: size.name,
      input: `${size.width}x${size.height}`,
      canvas: `${size.width + size.right}x${size.height}`,
      infill,
      runs: size.runs,
      path: { total: m(paths, "total"), decode: m(paths, "decode"), fill: m(paths, "fill"), encode: m(paths, "encode"), pngBytes: paths[0].bytes },
      baseline: { total: m(bases, "total"), pipeline: m(bases, "pipeline"), fill: m(bases, "fill") },
      ratio: median(ratios),
    });
  }
}

// ---- throughput: N images at once through the same engine ----------------------------------
async function throughput(size, infill, parallel, work, raw) {
  const perWorker = 2;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = 0; i < perWorker; i++) await work(size, raw, infill);
    }),
  );
  return (parallel * perWorker) / ((performance.now() - start) / 1000);
}
const viaPath = (size, _raw, infill) => path(engine, size.bytes, size.right, infill);
const viaBaseline = async (size, raw, infill) => {
  await sharpPipeline(size.bytes, size.right);
  await fillOnly(engine, raw, size.right, infill);
};
const throughputRows = [];
const REPEATS = QUICK ? 1 : 3;
for (const kase of THROUGHPUT_CASES) {
  const size = SIZES.find((s) => s.name === kase.size);
  const raw = await decodeImage(size.bytes);
  for (const parallel of PARALLEL) {
    step(`throughput: ${kase.size} ${kase.infill} x${parallel}`);
    // Path and baseline alternate, so that a burst of other load hits both alike; median of the repeats.
    const paths = [];
    const bases = [];
    for (let r = 0; r < REPEATS; r++) {
      paths.push(await throughput(size, kase.infill, parallel, viaPath, raw));
      bases.push(await throughput(size, kase.infill, parallel, viaBaseline, raw));
    }
    throughputRows.push({ ...kase, parallel, pathRate: median(paths), baseRate: median(bases), pathRuns: paths, baseRuns: bases });
  }
}
engine.close();

// ---- peak memory, one image in a fresh process ------------------------------------------------
const peak = (mode, size, infill) =>
  JSON.parse(execFileSync(process.execPath, [join(ROOT, "bench/image/peak.mjs"), mode, size.file, String(size.right), infill], { encoding: "utf8" }));
step("peak memory");
const memoryRows = [];
for (const size of SIZES) {
  for (const infill of size.infills) {
    const p = peak("path", size, infill);
    const b = peak("baseline", size, infill);
    const rawBytes = (size.width * size.height + (size.width + size.right) * size.height) * 3;
    memoryRows.push({ size: size.name, infill, path: p, baseline: b, rawBytes });
  }
}
const loadInfo = load.stop();

// ---- report ---------------------------------------------------------------------------------
const targets = rows.map((r) => ({ target: `Image: ${r.size} ${r.infill} path within 1.3x of sharp decode+encode plus the fill`, measured: ratio(r.ratio), met: r.ratio <= 1.3 }));
const lines = [
  "## Image path",
  "",
  `${machineLine()} ${loadLine(loadInfo)}`,
  `${QUICK ? "Quick run: 1 and 4 MP only. " : ""}Input: flower.png scaled to each size, as a JPEG (quality 90); extended right by a quarter of its width; output PNG. Path = the server's own code one step after another: decodeImage (sharp) -> OutpaintEngine.outpaint (the native addon, ${cores} threads as the server's default) -> encodeImage PNG. Baseline = sharp's own decode + extend (edge copy) + PNG encode of the same canvas in one streamed pipeline, plus the fill alone on pixels decoded beforehand. PATCHMATCH only where the canvas is at most ${MAX_PATCHMATCH_SIDE}x${MAX_PATCHMATCH_SIDE}. Times in ms, median of the runs shown.`,
  "",
  table(["input", "canvas", "infill", "runs", "decode", "fill", "encode", "path", "sharp pipeline", "fill alone", "path / (pipeline + fill)"],
    rows.map((r) => [`${r.size} (${r.input})`, r.canvas, r.infill, String(r.runs), ms(r.path.decode, 0), ms(r.path.fill, 0), ms(r.path.encode, 0), ms(r.path.total, 0), ms(r.baseline.pipeline, 0), ms(r.baseline.fill, 0), ratio(r.ratio)])),
  "",
  "The ratio pairs each path run with the pipeline run after it and takes the fill timed inside the path (the fill timed alone is shown: it is the same work, so a difference between the two is noise); median over the runs.",
  "",
  `### Throughput, images/s with N images at once (one engine of ${cores} threads, ${cores} cores; each of the N loops does 2 images; median of ${REPEATS} alternating repeats)`,
  "",
  table(["case", "N", "path images/s", "baseline images/s", "path / baseline", "path speed-up vs N=1"],
    throughputRows.map((r) => {
      const single = throughputRows.find((x) => x.size === r.size && x.infill === r.infill && x.parallel === 1);
      return [`${r.size} ${r.infill}`, String(r.parallel), r.pathRate.toFixed(2), r.baseRate.toFixed(2), ratio(r.pathRate / r.baseRate), ratio(r.pathRate / single.pathRate)];
    })),
  "",
  "### Peak resident memory, one image in a fresh process",
  "",
  "VmHWM (/proc/self/status) of a fresh process that loads sharp and the addon and does the work once (not resourceUsage().maxRSS: Linux carries the forking parent's high-water mark into it); the baseline process decodes the pixels for its fill first, then runs sharp's pipeline and the fill. Raw pixels = input + canvas at 3 bytes a pixel.",
  "",
  table(["input", "infill", "path peak", "baseline peak", "path / baseline", "process at start", "raw pixels"],
    memoryRows.map((r) => [r.size, r.infill, mib(r.path.peakBytes), mib(r.baseline.peakBytes), ratio(r.path.peakBytes / r.baseline.peakBytes), mib(r.path.startBytes), mib(r.rawBytes)])),
  "",
  "#### Targets",
  "",
  targetTable(targets),
];
writeArea("image", lines.join("\n"), { load: loadInfo, latency: rows, throughput: throughputRows, memory: memoryRows, targets });
