// WebSocket subscribers at scale: server memory per connection and per idle subscription,
// events per second delivered and the delivery delay to 1,000 graphql-ws subscribers of running
// jobs, each against a bare `ws` broadcaster serving the same clients in the same run.
//
//   npm run bench:subscriptions [-- --quick]
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { forkHelper } from "../lib/child.mjs";
import { loadLine, machineLine, mib, ms, QUICK, ratio, ROOT, step, table, targetTable, watchLoad, writeArea } from "../lib/report.mjs";
import { cpuSeconds, gql, openFilesLimit, sampleRss, scrapeMetrics, startServer, upload } from "../lib/server.mjs";
import { median, summarize } from "../lib/stats.mjs";

const SUBSCRIBERS = QUICK ? 200 : 1000;
const JOBS = 10;
const BATCHES = 4;
const PHOTO_WIDTH = QUICK ? 768 : 1024;
const EXTEND = 256; // two passes of 128 px with CPU_MAX_EXTEND_PER_PASS=128: more progress steps, and a preview
const BLOCKER = QUICK ? 2048 : 4096;
const DELIVERY_ROUNDS = QUICK ? 1 : 3; // PATCHMATCH canvas of the job that holds the engine during the idle measurement
const CLIENTS = fileURLToPath(new URL("./clients.mjs", import.meta.url));
const BARE = fileURLToPath(new URL("./bare-broadcaster.mjs", import.meta.url));
const CREATE = `mutation($in: OutpaintInput!) { createOutpaintJob(input: $in) { id } }`;
const sleep = (msecs) => new Promise((resolve) => setTimeout(resolve, msecs));
const load = watchLoad();
const files = openFilesLimit();
if (files.soft !== "unlimited" && files.soft < SUBSCRIBERS + 200) {
  throw new Error(`The open-files limit (ulimit -n) is ${files.soft}; ${SUBSCRIBERS} sockets need more: raise it (ulimit -n 4096) and run again`);
}
const photo = await sharp(`${ROOT}.cache/bench-assets/photos/flower.png`).resize({ width: PHOTO_WIDTH }).png().toBuffer().catch(() =>
  // Without the fill benchmark's photos: a synthetic picture with texture and edges.
  sharp({ create: { width: PHOTO_WIDTH, height: Math.round(PHOTO_WIDTH * 0.66), channels: 3, noise: { type: "gaussian", mean: 120, sigma: 40 } } }).png().toBuffer(),
);
const targetInput = (imageId) => ({ image: { id: imageId }, extend: { right: EXTEND }, infill: "PATCHMATCH", seed: 1 });

/** RSS and JS heap after a full garbage collection in the process measured (`probe` = { pid, gc, heap }). */
async function settled(probe) {
  await probe.gc();
  await sleep(300);
  const rss = await sampleRss(probe.pid, QUICK ? 500 : 1000);
  return { rss, heap: (await probe.heap()).heapUsed };
}

/** Settles until two readings in a row agree within 1 MiB of RSS (start-up garbage goes back to the system lazily). */
async function stable(probe) {
  let last = await settled(probe);
  for (let i = 0; i < 5; i++) {
    const now = await settled(probe);
    if (Math.abs(now.rss - last.rss) < 2 ** 20) return now;
    last = now;
  }
  return last;
}

/**
 * Memory added per item, from BATCHES equal batches, each read after a full GC: the median of
 * the batch increments of RSS (one batch can still catch an allocation elsewhere in the process,
 * or memory handed back to the system) and of the JS heap (heapUsed, which the fill engine's
 * native memory does not touch).
 */
async function perItem(probe, addBatch, count) {
  const rssSteps = [];
  const heapSteps = [];
  let before = await stable(probe);
  for (let b = 0; b < BATCHES; b++) {
    await addBatch(count / BATCHES);
    const after = await settled(probe);
    rssSteps.push(after.rss - before.rss);
    heapSteps.push(after.heap - before.heap);
    before = after;
  }
  const per = count / BATCHES;
  return {
    bytes: median(rssSteps) / per,
    heapBytes: median(heapSteps) / per,
    batchIncrementsMiB: rssSteps.map((x) => Math.round((x / 2 ** 20) * 10) / 10),
    heapIncrementsMiB: heapSteps.map((x) => Math.round((x / 2 ** 20) * 10) / 10),
  };
}

// ---- 1. memory: connections, then idle subscriptions (jobs waiting in the engine) -------------
// One fill thread, held by a large PATCHMATCH job: the ten target jobs are claimed but wait in the
// engine's queue, so their subscribers get the current state and then nothing.
step("memory: connections");
const memServer = await startServer({ FILL_THREADS: "1", JOB_CONCURRENCY: String(JOBS + 1) }, { inspect: true });
const memProbe = { pid: memServer.pid, gc: () => memServer.gc(), heap: () => memServer.memoryUsage() };
let clients = await forkHelper(CLIENTS);
await gql(memServer.graphqlUrl, "{ __typename }"); // warm the HTTP path once
const rssStart = (await stable(memProbe)).rss;
const perConnection = await perItem(memProbe, (n) => clients.call("connect", { url: memServer.wsUrl, count: n }), SUBSCRIBERS);
const rssConnected = (await settled(memProbe)).rss;
const memImage = await upload(memServer.url, photo);
const engineState = async () => {
  const m = await scrapeMetrics(memServer.url);
  return { running: m['outpaint_fill_engine_tasks{state="running"}'], queued: m['outpaint_fill_engine_tasks{state="queued"}'] };
};
// The blocker first, and in the engine before the targets exist, so that none of them gets ahead of it.
await gql(memServer.graphqlUrl, CREATE, { in: { image: { id: memImage.id }, target: { width: BLOCKER, height: BLOCKER }, infill: "PATCHMATCH" } });
for (let i = 0; i < 100 && (await engineState()).running < 1; i++) await sleep(50);
const memIds = [];
for (let i = 0; i < JOBS; i++) memIds.push((await gql(memServer.graphqlUrl, CREATE, { in: targetInput(memImage.id) })).data.createOutpaintJob.id);
for (let i = 0; i < 50 && (await engineState()).queued < JOBS; i++) await sleep(100);
// Wait for the blocker's allocation to level off: two readings 1 s apart within 1 MiB (at most 15 s).
for (let i = 0, last = 0; i < (QUICK ? 5 : 15); i++) {
  const now = await sampleRss(memServer.pid);
  if (Math.abs(now - last) < 2 ** 20) break;
  last = now;
}
step("memory: idle subscriptions");
const engineBefore = await engineState();
const perSubscription = await perItem(memProbe, (n) => clients.call("subscribe", { ids: memIds, count: n }), SUBSCRIBERS);
const engineAfter = await engineState();
const idleHeld = engineBefore.queued === JOBS && engineAfter.queued === JOBS && engineAfter.running === 1;
await clients.kill();
await memServer.stop({ kill: true }); // the blocker would hold a graceful stop for its grace period

// ---- 2. the baseline's memory: a bare ws broadcaster, same clients ---------------------------
step("memory: baseline");
const bare = await forkHelper(BARE, ["--expose-gc"]);
const bareProbe = { pid: bare.pid, gc: () => bare.call("gc"), heap: () => bare.call("memoryUsage") };
const bareUrl = `ws://127.0.0.1:${bare.hello.port}/graphql`;
clients = await forkHelper(CLIENTS);
const bareRssStart = (await stable(bareProbe)).rss;
const barePerConnection = await perItem(bareProbe, (n) => clients.call("connect", { url: bareUrl, count: n }), SUBSCRIBERS);
const barePerSubscription = await perItem(bareProbe, (n) => clients.call("subscribe", { ids: memIds, count: n }), SUBSCRIBERS);
await clients.kill();
await bare.kill();

// ---- 3. delivery: 10 running jobs, SUBSCRIBERS / 10 subscribers each, then the baseline -------
const rate = (d) => d.events / ((d.lastAt - d.firstAt) / 1000);
const digest = (d, cpuMain, clientCpu) => ({
  events: d.events,
  eventsPerSecond: rate(d),
  delay: summarize(d.delays),
  cpuMainUsPerEvent: (cpuMain * 1e6) / d.events,
  clientCpuUsPerEvent: (clientCpu * 1e6) / d.events,
  missed: d.missed,
  completed: d.completed,
  errorCount: d.errorCount,
  errors: d.errors,
  seconds: (d.lastAt - d.firstAt) / 1000,
});

/** The server with running jobs and SUBSCRIBERS subscribers; then a bare broadcaster replaying what they got. */
async function deliveryRound(round) {
  step(`delivery round ${round + 1}: server`);
  // Ten fill threads, so that all ten jobs make progress at once (time-sliced on the cores).
  const server = await startServer({ JOB_CONCURRENCY: String(JOBS), FILL_THREADS: String(JOBS), CPU_MAX_EXTEND_PER_PASS: "128" });
  let clients = await forkHelper(CLIENTS);
  await clients.call("connect", { url: server.wsUrl, count: SUBSCRIBERS });
  const image = await upload(server.url, photo);
  const cpu0 = { all: server.cpuSeconds(), main: server.mainThreadCpuSeconds(), clients: cpuSeconds(clients.pid) };
  const ids = [];
  for (let i = 0; i < JOBS; i++) ids.push((await gql(server.graphqlUrl, CREATE, { in: targetInput(image.id) })).data.createOutpaintJob.id);
  const subscribed = await clients.call("subscribe", { ids, count: SUBSCRIBERS });
  await clients.call("wait", { timeoutMs: 300_000 });
  const delivered = await clients.call("collect");
  const cpu = { all: server.cpuSeconds() - cpu0.all, main: server.mainThreadCpuSeconds() - cpu0.main, clients: cpuSeconds(clients.pid) - cpu0.clients };
  const peakRss = server.peakRss();
  await clients.kill();
  await server.stop();

  step(`delivery round ${round + 1}: baseline`);
  const bare = await forkHelper(BARE);
  clients = await forkHelper(CLIENTS);
  await clients.call("connect", { url: `ws://127.0.0.1:${bare.hello.port}/graphql`, count: SUBSCRIBERS });
  await clients.call("subscribe", { ids, count: SUBSCRIBERS });
  const bare0 = { main: cpuSeconds(bare.pid), clients: cpuSeconds(clients.pid) };
  await bare.call("replay", { schedule: delivered.schedule, onTime: true });
  await clients.call("wait", { timeoutMs: 60_000 });
  const bareDelivered = await clients.call("collect");
  const bareCpu = { main: cpuSeconds(bare.pid) - bare0.main, clients: cpuSeconds(clients.pid) - bare0.clients };
  await clients.kill();
  await bare.kill();
  return {
    subscribeMs: subscribed.ms,
    distinctEvents: delivered.schedule.length,
    serverCpuSeconds: cpu.all,
    serverMainCpuSeconds: cpu.main,
    peakRss,
    server: digest(delivered, cpu.main, cpu.clients),
    bare: digest(bareDelivered, bareCpu.main, bareCpu.clients),
  };
}
const rounds = [];
for (let r = 0; r < DELIVERY_ROUNDS; r++) rounds.push(await deliveryRound(r));
const loadInfo = load.stop();

// ---- report ---------------------------------------------------------------------------------
// Each delivery figure is the median over the rounds.
const med = (get) => median(rounds.map(get));
const side = (key) => ({
  events: med((r) => r[key].events),
  eventsPerSecond: med((r) => r[key].eventsPerSecond),
  delay: Object.fromEntries(["p50", "p90", "p99", "max"].map((p) => [p, med((r) => r[key].delay[p])])),
  cpuMainUsPerEvent: med((r) => r[key].cpuMainUsPerEvent),
  clientCpuUsPerEvent: med((r) => r[key].clientCpuUsPerEvent),
  missed: rounds.reduce((a, r) => a + r[key].missed, 0),
  completed: rounds.reduce((a, r) => a + r[key].completed, 0),
  errorCount: rounds.reduce((a, r) => a + r[key].errorCount, 0),
  errors: rounds.flatMap((r) => r[key].errors).slice(0, 3),
});
const results = {
  load: loadInfo,
  openFiles: files,
  subscribers: SUBSCRIBERS,
  jobs: JOBS,
  memory: {
    rssStart,
    rssConnected,
    perConnection,
    perSubscription,
    idleHeld,
    engineBefore,
    engineAfter,
    bare: { rssStart: bareRssStart, perConnection: barePerConnection, perSubscription: barePerSubscription },
  },
  delivery: {
    rounds: rounds.length,
    subscribeMs: med((r) => r.subscribeMs),
    distinctEvents: med((r) => r.distinctEvents),
    seconds: med((r) => r.server.seconds),
    serverCpuSeconds: med((r) => r.serverCpuSeconds),
    serverMainCpuSeconds: med((r) => r.serverMainCpuSeconds),
    peakRss: med((r) => r.peakRss),
    server: side("server"),
    bare: side("bare"),
    perRound: rounds,
  },
};
const d = results.delivery;
results.targets = [{ target: `Subscriptions: p99 delivery < 50 ms (${SUBSCRIBERS} subscribers)`, measured: `${ms(d.server.delay.p99)} ms`, met: d.server.delay.p99 < 50 }];
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const memoryRow = (label, server, base) => [
  label,
  kib(server.bytes),
  server.batchIncrementsMiB.join(", "),
  kib(server.heapBytes),
  kib(base.bytes),
  kib(base.heapBytes),
  base.bytes > 512 ? ratio(server.bytes / base.bytes) : "n/a",
];
const lines = [
  "## WebSocket subscriptions",
  "",
  `${machineLine()} ${loadLine(loadInfo)}`,
  `${SUBSCRIBERS} graphql-ws clients (the \`graphql-ws\` client on \`ws\`), one WebSocket each, all in one child process of the benchmark (its CPU time is shown: on ${loadInfo.cores} cores the clients and the server share the CPU, which inflates delays). Open-files limit (ulimit -n): soft ${files.soft}, hard ${files.hard}; enough for ${SUBSCRIBERS} sockets on each side, not raised. Baseline: a bare \`ws\` server in its own process that speaks just enough graphql-transport-ws for the same clients and sends the same events.`,
  "",
  "### Server memory (VmRSS of the server process, median of batch increments)",
  "",
  `Added in ${BATCHES} batches of ${SUBSCRIBERS / BATCHES}; after each batch a full GC in the process (the server is started with --inspect for this phase only, the GC asked through HeapProfiler.collectGarbage; the baseline runs with --expose-gc), then VmRSS from /proc/<pid>/status (median of readings every 0.1 s for 1 s, 0.5 s in the quick run). Idle subscriptions: ${JOBS} jobs claimed but waiting in the fill engine's queue behind a ${BLOCKER}x${BLOCKER} PATCHMATCH job (FILL_THREADS=1), so their ${SUBSCRIBERS} subscribers get the current state and then nothing${idleHeld ? "" : " — **the engine state changed during the measurement (" + JSON.stringify({ engineBefore, engineAfter }) + "), so the figure includes other allocations**"}.`,
  "",
  table(["", "server RSS per item", "RSS batch increments MiB", "server JS heap per item", "baseline RSS per item", "baseline JS heap per item", "server / baseline (RSS)"], [
    memoryRow("connection (connection_ack, no operation)", perConnection, barePerConnection),
    memoryRow("idle jobUpdated subscription (on top of its connection)", perSubscription, barePerSubscription),
    [
      "**subscriber (connection + subscription)**",
      `**${kib(perConnection.bytes + perSubscription.bytes)}**`,
      "",
      kib(perConnection.heapBytes + perSubscription.heapBytes),
      kib(barePerConnection.bytes + barePerSubscription.bytes),
      kib(barePerConnection.heapBytes + barePerSubscription.heapBytes),
      barePerConnection.bytes + barePerSubscription.bytes > 512 ? ratio((perConnection.bytes + perSubscription.bytes) / (barePerConnection.bytes + barePerSubscription.bytes)) : "n/a",
    ],
  ]),
  "",
  "RSS counts everything (socket buffers, native memory); the JS heap figure (heapUsed after a full GC) is the part in V8 and is not disturbed by the fill engine's native allocations. A baseline figure under 0.5 KiB is within the noise, so no ratio is given for it.",
  "",
  `Server RSS: ${mib(rssStart)} idle, ${mib(rssConnected)} with ${SUBSCRIBERS} connections; bare broadcaster ${mib(bareRssStart)} idle.`,
  "",
  `### Delivery: ${JOBS} running jobs x ${SUBSCRIBERS / JOBS} subscribers, ${d.rounds} round${d.rounds > 1 ? "s" : ""} (median)`,
  "",
  `Each job: ${PHOTO_WIDTH} px photo, extend right ${EXTEND}, PATCHMATCH, in 2 passes of 128 px (CPU_MAX_EXTEND_PER_PASS=128, for more progress steps and a preview); JOB_CONCURRENCY=${JOBS} and FILL_THREADS=${JOBS} so all ten progress at once. Subscriptions start right after the jobs are created (${ms(d.subscribeMs, 0)} ms for all); each subscriber's first event (the state read at subscribe time) is left out. The selection is the web playground's (web/playground/api.ts: progress, placement, \`preview { url }\`, \`result { url format }\`, error). Delay = receipt time less the earliest receipt of the same event by any subscriber (the event carries no timestamp and OutpaintJob exposes no revision or updatedAt), so it measures the fan-out spread, not the time from the job's step. The baseline replays every event the server sent, at the time it was first received, to all its subscribers from the start (the server's late joiners missed the first events, hence its lower count).`,
  "",
  table(["", "server", "baseline (same schedule)", "server / baseline"], [
    ["events delivered", String(d.server.events), String(d.bare.events), ratio(d.server.events / d.bare.events)],
    ["events/s delivered (all subscribers)", d.server.eventsPerSecond.toFixed(0), d.bare.eventsPerSecond.toFixed(0), ratio(d.server.eventsPerSecond / d.bare.eventsPerSecond)],
    ...["p50", "p90", "p99", "max"].map((p) => [p === "p99" ? "**delay p99 ms**" : `delay ${p} ms`, ms(d.server.delay[p]), ms(d.bare.delay[p]), ratio(d.server.delay[p] / d.bare.delay[p])]),
    ["main-thread CPU µs per delivered event", d.server.cpuMainUsPerEvent.toFixed(1), d.bare.cpuMainUsPerEvent.toFixed(1), ratio(d.server.cpuMainUsPerEvent / d.bare.cpuMainUsPerEvent)],
    ["client-process CPU µs per event", d.server.clientCpuUsPerEvent.toFixed(1), d.bare.clientCpuUsPerEvent.toFixed(1), ""],
    ["deliveries missing (after all had joined), all rounds", String(d.server.missed), String(d.bare.missed), ""],
    ["subscriptions completed / errors, all rounds", `${d.server.completed} / ${d.server.errorCount}`, `${d.bare.completed} / ${d.bare.errorCount}`, ""],
  ]),
  "",
  `Per round, server p99 delay: ${rounds.map((r) => ms(r.server.delay.p99)).join(", ")} ms; baseline: ${rounds.map((r) => ms(r.bare.delay.p99)).join(", ")} ms. ${d.distinctEvents} distinct events over ${d.seconds.toFixed(1)} s; server CPU ${d.serverCpuSeconds.toFixed(1)} s in all (fill included), ${d.serverMainCpuSeconds.toFixed(1)} s on its main thread; server peak RSS (VmHWM) ${mib(d.peakRss)}.${d.server.errors.length ? ` Errors: ${d.server.errors.join("; ")}` : ""}`,
  "",
  "#### Targets",
  "",
  targetTable(results.targets),
];
writeArea("subscriptions", lines.join("\n"), results);
