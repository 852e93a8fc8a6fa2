// A longer fuzz run over the prompt-text parser and the image decode path, using the targets in
// test/fuzz/fuzz-targets.ts compiled to dist (run `npm run build:ts` first). Prints a markdown report.
//
//   npm run fuzz -- [--seconds 60] [--seed N] [--target prompt|image|multipart] [--path P]
//
// The multipart target runs against a real server (outpaint serve on a free loopback port and a
// scratch data directory), started here for the run.
//
// Each target runs in a worker thread so that a synchronous hang can be noticed and reported from
// here, with its input. A native crash takes the whole process down; the image input in flight is
// therefore also kept in .cache/fuzz/in-flight-image.bin.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

const root = fileURLToPath(new URL("..", import.meta.url));
const targetsPath = join(root, "dist/test/fuzz/fuzz-targets.js");
const outDir = join(root, ".cache/fuzz");
const inFlightImage = join(outDir, "in-flight-image.bin");
const MIRROR_BYTES = 8 * 1024 * 1024;
// Longer than the image target's own per-call timeout (20 s), so async hangs are reported by it.
const HANG_MS = 30_000;
const TARGETS = {
  prompt: "parsePromptText",
  image: "inspectImage → decodeImage",
  multipart: "multipart uploads → a running server",
};

if (isMainThread) await main();
else await runWorker();

async function main() {
  const usage = "usage: npm run fuzz -- [--seconds 60] [--seed N] [--target prompt|image|multipart] [--path P]";
  let args;
  try {
    ({ values: args } = parseArgs({
      options: {
        seconds: { type: "string", default: "60" },
        seed: { type: "string" },
        target: { type: "string" },
        path: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(usage);
    return;
  }
  const seconds = Number(args.seconds);
  const seed = args.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(args.seed);
  const targets = args.target === undefined ? Object.keys(TARGETS) : [args.target];
  if (!(seconds > 0) || !Number.isInteger(seed) || targets.some((target) => !(target in TARGETS))) {
    console.error(usage);
    process.exit(2);
  }
  if (args.path !== undefined && targets.length !== 1) {
    console.error("--path replays one target's counterexample: give --target too");
    process.exit(2);
  }
  if (!existsSync(targetsPath)) {
    console.error(`${targetsPath} is missing: build the TypeScript first with \`npm run build:ts\`.`);
    process.exit(1);
  }
  mkdirSync(outDir, { recursive: true });

  console.error(`fuzzing ${targets.join(" and ")} for ${seconds} s with seed ${seed}`);
  const server = targets.includes("multipart")
    ? await (await import(join(root, "dist/test/helpers/server-process.js"))).ServerProcess.start()
    : null;
  const results = [];
  try {
    for (const target of targets) {
      results.push(await runTarget(target, (seconds * 1000) / targets.length, seed, args.path, server?.url));
    }
  } finally {
    await server?.dispose();
  }
  printReport(results, seconds, seed);
  process.exit(results.some((result) => result.failure) ? 1 : 0);
}

function runTarget(target, ms, seed, path, serverUrl) {
  // [0]: cases started, [1]: length of the input in flight (bytes, or UTF-16 units for text)
  const progress = new Int32Array(new SharedArrayBuffer(8));
  const mirror = new SharedArrayBuffer(MIRROR_BYTES);
  const started = performance.now();
  return new Promise((resolve) => {
    let peakRss = process.memoryUsage.rss();
    let lastCount = -1;
    let lastChange = performance.now();
    let done = false;
    const worker = new Worker(new URL(import.meta.url), { workerData: { target, ms, seed, path, progress, mirror, serverUrl } });
    const inFlight = () => {
      const length = Atomics.load(progress, 1);
      if (target === "prompt") {
        const units = new Uint16Array(mirror, 0, Math.min(length, MIRROR_BYTES / 2));
        let text = "";
        for (let i = 0; i < units.length; i += 4096) text += String.fromCharCode(...units.subarray(i, i + 4096));
        return text;
      }
      return Buffer.from(new Uint8Array(mirror, 0, Math.min(length, MIRROR_BYTES)));
    };
    const finish = (result) => {
      if (done) return;
      done = true;
      clearInterval(watch);
      const seconds = (performance.now() - started) / 1000;
      const runs = Atomics.load(progress, 0);
      void worker.terminate();
      void Promise.resolve(result).then((settled) => resolve({ target, seed, peakRss, seconds, runs, ...settled }));
    };
    const watch = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      const count = Atomics.load(progress, 0);
      if (count !== lastCount) {
        lastCount = count;
        lastChange = performance.now();
      } else if (performance.now() - lastChange > HANG_MS) {
        const input = inFlight();
        finish(preview(input).then((shown) => ({ failure: { message: `Hang: no progress for ${HANG_MS / 1000} s on ${shown}`, input } })));
      }
    }, 200);
    worker.on("message", (result) => finish(result));
    worker.on("error", (error) => finish({ failure: { message: `Uncaught in the worker: ${error.stack ?? error}`, input: inFlight() } }));
    worker.on("exit", (code) => finish({ failure: { message: `Worker exited with code ${code} before reporting`, input: inFlight() } }));
  });
}

async function preview(input) {
  const { previewBytes, previewText } = await import(targetsPath);
  return typeof input === "string" ? previewText(input) : previewBytes(input);
}

async function runWorker() {
  const { target, ms, seed, path, progress, mirror, serverUrl } = workerData;
  const fc = (await import("fast-check")).default;
  const targets = await import(targetsPath);
  const units = new Uint16Array(mirror);
  const bytes = new Uint8Array(mirror);
  const mirrorText = (text) => {
    const length = Math.min(text.length, units.length);
    for (let i = 0; i < length; i++) units[i] = text.charCodeAt(i);
    Atomics.store(progress, 1, length);
    Atomics.add(progress, 0, 1);
  };
  const mirrorBytes = (input) => {
    bytes.set(input.subarray(0, bytes.length));
    Atomics.store(progress, 1, Math.min(input.length, bytes.length));
    Atomics.add(progress, 0, 1);
    writeFileSync(inFlightImage, input);
  };

  let property;
  let detail = "";
  if (target === "prompt") {
    property = targets.promptProperty((input) => mirrorText(input.text));
  } else if (target === "multipart") {
    const { multipartProperty } = await import(join(root, "dist/test/fuzz/multipart-target.js"));
    const sharp = (await import("sharp")).default;
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#4a7" } }).png().toBuffer();
    detail = `against ${serverUrl}`;
    property = multipartProperty(serverUrl, png, (input) => mirrorBytes(input.body));
  } else {
    const seeds = await targets.makeImageSeeds();
    detail = `${seeds.length} seeds`;
    property = targets.imageProperty(seeds, (input) => mirrorBytes(input.bytes), 20_000);
  }
  const started = performance.now();
  const run = await fc.check(property, { seed, path, numRuns: Number.MAX_SAFE_INTEGER, plugins: [fc.interruptAfterTimeLimit(ms)] });
  const seconds = (performance.now() - started) / 1000;
  if (target !== "prompt") rmSync(inFlightImage, { force: true });
  const result = { runs: run.numRuns, fuzzSeconds: seconds, detail };
  if (run.failed) {
    const error = run.errorInstance;
    result.failure = {
      message: error instanceof Error ? error.message : String(error ?? "the run failed without an error"),
      input: error instanceof targets.FuzzFailure ? error.input : undefined,
      counterexample: run.counterexample ? fc.stringify(run.counterexample[0]) : undefined,
      path: run.counterexamplePath,
      shrinks: run.numShrinks,
    };
  }
  parentPort.postMessage(result);
}

function printReport(results, seconds, seed) {
  const version = (name) => JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version;
  const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const number = (value) => Math.round(value).toLocaleString("en-US");
  const lines = [
    "## Fuzz run",
    "",
    `Seed ${seed}, budget ${seconds} s; Node ${process.version}, sharp ${version("sharp")}, fast-check ${version("fast-check")}, ` +
      `${availableParallelism()} CPUs.`,
    "",
    "| target | cases | failures | seconds | cases/s | peak RSS |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const result of results) {
    const fuzzSeconds = result.fuzzSeconds ?? result.seconds;
    const name = `${TARGETS[result.target]}${result.detail ? ` (${result.detail})` : ""}`;
    lines.push(
      `| ${name} | ${number(result.runs)} | ${result.failure ? 1 : 0} | ${fuzzSeconds.toFixed(1)} | ` +
        `${number(result.runs / fuzzSeconds)} | ${mib(result.peakRss)} |`,
    );
  }
  lines.push("", `Peak RSS of the whole process: ${mib(process.resourceUsage().maxRSS * 1024)}. A run stops at its first failure and shrinks it.`);
  for (const { target, failure } of results.filter((result) => result.failure)) {
    lines.push("", `### Failure in ${TARGETS[target]}`, "", "```", failure.message.slice(0, 6000), "```");
    if (failure.counterexample) lines.push("", `Counterexample after ${failure.shrinks} shrinks: ${failure.counterexample.slice(0, 3000)}`);
    if (failure.input !== undefined) {
      const file = join(outDir, `failure-${target}-seed${seed}.${target === "prompt" ? "json" : "bin"}`);
      // JSON keeps lone surrogates in prompt text, which UTF-8 would not
      writeFileSync(file, typeof failure.input === "string" ? JSON.stringify(failure.input) : failure.input);
      lines.push("", `Whole input: ${file}`);
    }
    if (failure.path) lines.push("", `Replay: \`npm run fuzz -- --target ${target} --seed ${seed} --path ${failure.path}\``);
  }
  if (results.every((result) => !result.failure)) lines.push("", `Replay: \`npm run fuzz -- --seconds ${seconds} --seed ${seed}\``);
  console.log(lines.join("\n"));
}
