// Markdown helpers, machine facts, load watching and the per-area output folder.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const QUICK = process.argv.includes("--quick");

const began = performance.now();
/** A progress line on stderr (stdout carries the report). */
export const step = (what) => process.stderr.write(`  [${((performance.now() - began) / 1000).toFixed(0).padStart(3)} s] ${what}\n`);

/** A markdown table; numbers are written as given, so format them first. */
export function table(headers, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  const align = headers.map((_, i) => (i === 0 ? "---" : "---:"));
  return [line(headers), line(align), ...rows.map(line)].join("\n");
}

export const ms = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
export const ratio = (value) => (Number.isFinite(value) ? `${value.toFixed(2)}x` : "n/a");
export const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
export const yesNo = (met) => (met ? "yes" : "**no**");

/** Targets as [{ target, measured, met }], written as a table. */
export const targetTable = (targets) => table(["target", "measured", "met"], targets.map((t) => [t.target, t.measured, yesNo(t.met)]));

export function machine() {
  return {
    cpu: cpus()[0]?.model ?? "unknown CPU",
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

export function machineLine() {
  const m = machine();
  return `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}.`;
}

/** Busy and total CPU time of the whole machine, and of this process with its reaped children, in seconds. */
function cpuTimes() {
  const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
  const self = readFileSync("/proc/self/stat", "utf8");
  const own = self.slice(self.lastIndexOf(")") + 2).split(" ").slice(11, 15).map(Number); // utime stime cutime cstime
  return { busy: (user + nice + system + irq + softirq + steal) / 100, idle: (idle + iowait) / 100, own: own.reduce((a, b) => a + b, 0) / 100 };
}

/**
 * Watches the machine while an area runs: the 1-minute load average (os.loadavg(), every second)
 * and, from /proc/stat, the CPU time used by other work: the machine's busy time less this
 * process's and its children's (every helper and server has exited and been reaped by the end).
 * `high` means other work used more than a tenth of the cores on average: figures taken then are
 * inflated by it (on 2 cores even a fifth of one core halves a parallel throughput now and then).
 */
export function watchLoad() {
  const cores = availableParallelism();
  const start = loadavg();
  const cpu0 = cpuTimes();
  const t0 = performance.now();
  let max = start[0];
  const timer = setInterval(() => (max = Math.max(max, loadavg()[0])), 1000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const end = loadavg();
      max = Math.max(max, end[0]);
      const cpu = cpuTimes();
      const seconds = (performance.now() - t0) / 1000;
      const others = Math.max(0, cpu.busy - cpu0.busy - (cpu.own - cpu0.own)) / seconds;
      const high = others > cores / 10;
      return { start: start.map(round2), end: end.map(round2), max1m: round2(max), cores, othersCores: round2(others), high };
    },
  };
}

export function loadLine(load) {
  const text = `Load average (1/5/15 min) at start ${load.start.join(" / ")}, at end ${load.end.join(" / ")}, highest 1-min ${load.max1m} on ${load.cores} cores (this benchmark's own processes included); other work used ${load.othersCores} cores on average meanwhile`;
  return load.high
    ? `${text}. **Other work shared the CPU (more than a tenth of the cores): these figures are pessimistic.**`
    : `${text}.`;
}

const round2 = (x) => Math.round(x * 100) / 100;

/** Where an area's report and results go: a quick run keeps apart from a full one. */
export const areaFiles = (area) => {
  const dir = join(ROOT, ".cache/bench", area);
  const suffix = QUICK ? "-quick" : "";
  return { dir, report: join(dir, `report${suffix}.md`), results: join(dir, `results${suffix}.json`) };
};

/** Writes report.md and results.json (-quick with --quick) under .cache/bench/<area>/ and prints the markdown. */
export function writeArea(area, markdown, results) {
  const { dir, report, results: resultsFile } = areaFiles(area);
  mkdirSync(dir, { recursive: true });
  writeFileSync(report, `${markdown}\n`);
  writeFileSync(resultsFile, `${JSON.stringify({ area, quick: QUICK, date: new Date().toISOString(), machine: machine(), ...results }, null, 2)}\n`);
  console.log(markdown);
  return dir;
}
