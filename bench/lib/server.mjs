// A real server (`node dist/src/cli/main.js serve`) on a free loopback port with a temporary data
// directory, as test/helpers/server-process.ts starts it, plus a small HTTP client for it.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./report.mjs";

const CLI = join(ROOT, "dist/src/cli/main.js");

/**
 * `inspect`: with the inspector open, for gc(). `profileDir`: the server writes a V8 CPU profile
 * there when it stops (bench/lib/profile-summary.mjs reads it). Also set for every server by
 * BENCH_PROFILE=<dir> in the environment.
 */
export async function startServer(env = {}, { inspect = false, profileDir = process.env.BENCH_PROFILE } = {}) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build:ts first`);
  const dataDir = mkdtempSync(join(tmpdir(), "outpaint-bench-"));
  const flags = [...(inspect ? ["--inspect=127.0.0.1:0"] : []), ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [])];
  const child = spawn(process.execPath, [...flags, CLI, "serve"], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "info", ...env, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  let stderr = "";
  let inspector = null;
  const inspectorUrl = new Promise((resolve) => {
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      const match = /Debugger listening on (ws:\S+)/.exec(stderr);
      if (match) resolve(match[1]);
    });
  });
  const logs = { lines: 0, errors: [] };
  let buffered = "";
  const url = await new Promise((resolve, reject) => {
    // The log is read to the end (a full pipe would block the server) and only counted.
    child.stdout.on("data", (chunk) => {
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const text = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        logs.lines++;
        if (text.includes('"listening"')) resolve(JSON.parse(text).url);
        else if (text.startsWith('{"level":5') || text.startsWith('{"level":6')) logs.errors.push(text);
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code} before listening:\n${stderr}`)));
  });
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    wsUrl: `${url.replace(/^http/, "ws")}/graphql`,
    pid: child.pid,
    dataDir,
    logs,
    /** Resident memory of the server process now (VmRSS), bytes. */
    rss: () => vmRss(child.pid),
    /** Peak resident memory so far (VmHWM), bytes. */
    peakRss: () => vmHwm(child.pid),
    /** With `inspect`: a full garbage collection in the server (the inspector's HeapProfiler.collectGarbage). */
    async gc() {
      inspector ??= await openInspector(await inspectorUrl);
      await inspector("HeapProfiler.collectGarbage");
    },
    /** With `inspect`: the server's process.memoryUsage() (heapUsed, external, arrayBuffers, rss). */
    async memoryUsage() {
      inspector ??= await openInspector(await inspectorUrl);
      const { result } = await inspector("Runtime.evaluate", { expression: "JSON.stringify(process.memoryUsage())", returnByValue: true });
      return JSON.parse(result.value);
    },
    /** User + system CPU seconds the server process has used. */
    cpuSeconds: () => cpuSeconds(child.pid),
    /** The same for its main (JavaScript) thread only: the fill engine and libuv threads are left out. */
    mainThreadCpuSeconds: () => cpuSeconds(child.pid, child.pid),
    /** Graceful stop (SIGTERM: running jobs get the server's grace period); `kill` skips the grace. */
    async stop({ kill = false } = {}) {
      child.kill(kill ? "SIGKILL" : "SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A Chrome DevTools protocol session: returns a function that sends one command and resolves with its result. */
async function openInspector(url) {
  const { default: WebSocket } = await import("ws");
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  socket.unref?.();
  socket._socket?.unref();
  const waiting = new Map();
  let next = 1;
  socket.on("message", (raw) => {
    const message = JSON.parse(raw);
    waiting.get(message.id)?.(message.result);
    waiting.delete(message.id);
  });
  return (method, params = {}) =>
    new Promise((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
}

export const vmRss = (pid) => statusField(pid, "VmRSS");

/**
 * Peak resident memory (VmHWM) of a process, by default this one. Not resourceUsage().maxRSS in a
 * child: Linux carries the forking parent's high-water mark into it across exec, so a small child
 * of a large benchmark would read at least the benchmark's own size.
 */
export const vmHwm = (pid = "self") => statusField(pid, "VmHWM");

/** The median of VmRSS read every `everyMs` for `forMs`: one reading can catch a transient. */
export async function sampleRss(pid, forMs = 1000, everyMs = 100) {
  const values = [];
  for (let t = 0; t < forMs; t += everyMs) {
    values.push(vmRss(pid));
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** The open-files limit (soft, hard) this process and the servers it starts have. */
export function openFilesLimit() {
  const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files"));
  const [soft, hard] = line.slice("Max open files".length).trim().split(/\s+/);
  return { soft: Number(soft) || soft, hard: Number(hard) || hard };
}

function statusField(pid, field) {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : NaN;
}

/** CPU seconds of a process, or of one of its threads (the main thread's id is the pid). */
export function cpuSeconds(pid, tid) {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in clock ticks (USER_HZ = 100)
}

/** One keep-alive agent per client loop keeps connections open as a real client would. */
export const keepAlive = (maxSockets = 1) => new Agent({ keepAlive: true, maxSockets });

/** A raw HTTP request; resolves with status, body text and the time it took (ms). */
export function http(url, { method = "GET", headers = {}, body, agent } = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString(), ms: performance.now() - start, end: performance.now() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A GraphQL operation over HTTP POST; throws on GraphQL errors. */
export async function gql(graphqlUrl, query, variables, agent) {
  const body = JSON.stringify({ query, variables });
  const res = await http(graphqlUrl, { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) }, body, agent });
  const parsed = JSON.parse(res.text);
  if (parsed.errors) throw new Error(`GraphQL error (HTTP ${res.status}): ${JSON.stringify(parsed.errors)}`);
  return { data: parsed.data, ms: res.ms, end: res.end };
}

/** Uploads image bytes (POST /v1/images) and returns the stored image's JSON. */
export async function upload(url, bytes, contentType = "image/png") {
  const res = await http(`${url}/v1/images`, { method: "POST", headers: { "content-type": contentType, "content-length": bytes.length }, body: bytes });
  if (res.status !== 200 && res.status !== 201) throw new Error(`upload failed: HTTP ${res.status} ${res.text}`);
  return JSON.parse(res.text);
}

/** GET /metrics parsed into { "name{labels}": value }. */
export async function scrapeMetrics(url) {
  const res = await http(`${url}/metrics`);
  const values = {};
  for (const line of res.text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const cut = line.lastIndexOf(" ");
    values[line.slice(0, cut)] = Number(line.slice(cut + 1));
  }
  return values;
}
