// The whole benchmark suite, one area after another, and one combined report.
//
//   npm run bench              (about 10 minutes on 2 cores)
//   npm run bench -- --quick   (smaller sizes, about 2 minutes; the fill benchmark is left out)
//
// Each area prints and writes .cache/bench/<area>/report.md and results.json; this writes
// .cache/bench/REPORT.md with a summary of every target first, and prints it (with --quick:
// report-quick.md, results-quick.json and REPORT-quick.md, so a quick run leaves a full one be).
// Where the server's time goes: BENCH_PROFILE=<dir> npm run bench:api makes every server the
// benchmarks start write a CPU profile there; node bench/lib/profile-summary.mjs <file> sums it up.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { areaFiles, loadLine, machineLine, QUICK, ROOT, targetTable, watchLoad } from "./lib/report.mjs";

const AREAS = ["api", "subscriptions", "image"];
const started = Date.now();
const sections = [];
const targets = [];
const notes = [];

function runArea(name, script, args, report = areaFiles(name).report) {
  rmSync(report, { force: true });
  process.stderr.write(`bench: ${name} ...\n`);
  const t0 = Date.now();
  // The area's stdout is its report, read back from the file; stderr passes through.
  const result = spawnSync(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  const seconds = ((Date.now() - t0) / 1000).toFixed(0);
  process.stderr.write(`bench: ${name} took ${seconds} s (exit ${result.status})\n`);
  if (result.status !== 0 || !existsSync(report)) {
    notes.push(`- ${name}: **failed** (exit ${result.status}); its output ended with:\n\n\`\`\`\n${(result.stdout ?? "").slice(-2000)}\n\`\`\``);
    return null;
  }
  notes.push(`- ${name}: ${seconds} s`);
  return readFileSync(report, "utf8").trim();
}

for (const area of AREAS) {
  const markdown = runArea(area, `bench/${area}/run.mjs`, QUICK ? ["--quick"] : []);
  if (!markdown) continue;
  sections.push(markdown);
  targets.push(...JSON.parse(readFileSync(areaFiles(area).results, "utf8")).targets);
}

// The fill-engine benchmark compares against G'MIC and OpenCV, installed from Debian by its
// prepare.sh. Run it only when that would install nothing and the peers' times are kept.
const fillDir = join(ROOT, ".cache/bench/fill");
const peersReady =
  existsSync(join(fillDir, "peer-times.json")) &&
  ["flower.png", "coffee.png", "astronaut.png", "rocket.jpg"].every((f) => existsSync(join(ROOT, ".cache/bench-assets/photos", f))) &&
  spawnSync("sh", ["-c", "command -v gmic"]).status === 0 &&
  spawnSync("/usr/bin/python3", ["-c", "import cv2; cv2.xphoto"]).status === 0;
if (QUICK) {
  notes.push("- fill: left out of the quick run (`npm run bench:fill -- --reuse-peers` runs it alone).");
} else if (!peersReady) {
  notes.push("- fill: **skipped**: its peers' results (.cache/bench/fill/peer-times.json), photos, G'MIC or OpenCV are missing, and installing them needs apt; run `npm run bench:fill` once (as root) to set them up.");
} else {
  const load = watchLoad(); // the fill benchmark does not report its load itself
  const markdown = runArea("fill", "bench/fill/run.mjs", ["--reuse-peers"], join(fillDir, "report.md"));
  if (markdown) {
    const fillLoad = loadLine(load.stop());
    // Its headings one level down, to sit under this report's; peers' times are from an earlier run.
    sections.push(
      markdown
        .replace(/^#/gm, "##")
        .replace(/^## Fill benchmark\n/m, `## Fill engine against classical tools (peers' times reused from an earlier run)\n\n${fillLoad}\n`),
    );
    const table = /## Targets\s+\|[^\n]*\n\|[^\n]*\n((?:\|[^\n]*\n?)+)/.exec(markdown);
    for (const row of table?.[1].trim().split("\n") ?? []) {
      const [target, measured, met] = row.split("|").slice(1, -1).map((cell) => cell.trim());
      targets.push({ target: `Fill: ${target}`, measured, met: met === "yes" });
    }
  }
}

const report = [
  `# Benchmark report${QUICK ? " (quick run: smaller sizes)" : ""}`,
  "",
  `${new Date().toISOString()}. ${machineLine()} Whole run ${((Date.now() - started) / 1000).toFixed(0)} s. Every figure is set against a baseline measured in the same run; each area states the load average it ran under.`,
  "",
  "## Targets",
  "",
  targetTable(targets),
  "",
  "Areas:",
  "",
  ...notes,
  "",
  ...sections.flatMap((section) => [section, ""]),
].join("\n");
writeFileSync(join(ROOT, `.cache/bench/REPORT${QUICK ? "-quick" : ""}.md`), report);
console.log(report);
