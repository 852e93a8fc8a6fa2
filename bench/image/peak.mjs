// One piece of work in a fresh process; prints its peak resident memory as JSON.
//   node bench/image/peak.mjs <path|baseline> <image file> <extend right> <infill>
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { decodeImage } from "../../dist/src/infrastructure/media/codec.js";
import { OutpaintEngine } from "../../dist/src/infrastructure/native/outpaint-engine.js";
import { vmHwm } from "../lib/server.mjs";
import { baseline, path } from "./work.mjs";

const [mode, file, right, infill] = process.argv.slice(2);
const bytes = readFileSync(file);
const engine = OutpaintEngine.open({ threads: availableParallelism() });
const startBytes = process.memoryUsage.rss();
// The baseline's fill starts from decoded pixels; decoding them here is left out of its peak as far
// as possible by decoding before anything else (the buffer itself is counted, as the path holds it too).
const raw = mode === "baseline" ? await decodeImage(bytes) : null;
if (mode === "path") await path(engine, bytes, Number(right), infill);
else await baseline(engine, bytes, raw, Number(right), infill);
engine.close();
console.log(JSON.stringify({ startBytes, peakBytes: vmHwm() }));
