// API overhead on SQLite and on PostgreSQL: createOutpaintJob latency to the first subscription
// event and to SUCCEEDED, and accepted jobs per second under 50 concurrent clients, each against
// a bare node:http handler doing the same insert into the same database, measured in the same run.
// PostgreSQL is a durable cluster of the benchmark's own (test/setup/services.sh bench installs
// and starts it); --sqlite-only leaves it out.
//
//   npm run bench:api [-- --quick] [-- --sqlite-only]
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { createClient } from "graphql-ws";
import sharp from "sharp";
import WebSocket from "ws";
import { loadLine, machineLine, ms, QUICK, ratio, ROOT, step, table, targetTable, watchLoad, writeArea } from "../lib/report.mjs";
import { gql, http, keepAlive, scrapeMetrics, startServer, upload } from "../lib/server.mjs";
import { mean, median, summarize } from "../lib/stats.mjs";

const SEQUENTIAL = QUICK ? 40 : 200;
const ROUNDS = 3;
const WARMUP = QUICK ? 10 : 20;
const CLIENTS = 50;
const WINDOW_S = QUICK ? 2 : 10;
const WINDOWS = 3;
const CREATE = `mutation($in: OutpaintInput!) { createOutpaintJob(input: $in) { id status } }`;
const WATCH = `subscription($id: ID!) { jobUpdated(id: $id) { status stage progress { step totalSteps } } }`;
const DATABASES = process.argv.includes("--sqlite-only") ? ["sqlite"] : ["sqlite", "postgresql"];
const load = watchLoad();

/**
 * Per database: what the server is given, the bare baseline's durability settings (the server's
 * own first) and how the report names them.
 */
const SETUPS = {
  sqlite: {
    title: "SQLite",
    durability: ["FULL", "NORMAL"],
    knob: "synchronous",
    about: "SQLite in WAL mode; the server sets synchronous = FULL and foreign_keys = ON, the baseline the same, with better-sqlite3 in a worker thread of the benchmark process.",
  },
  postgresql: {
    title: "PostgreSQL",
    durability: ["on", "off"],
    knob: "synchronous_commit",
    about: "",
  },
};

/** The test suite's PostgreSQL helpers, loaded only when PostgreSQL is measured (they read TEST_POSTGRES_URL). */
const testDatabases = () => import("../../dist/test/helpers/database.js");

/** The durable PostgreSQL of test/setup/services.sh bench: its admin URL and server version. */
async function startPostgres() {
  const started = spawnSync("bash", [join(ROOT, "test/setup/services.sh"), "bench"], { stdio: ["ignore", "inherit", "inherit"] });
  if (started.status !== 0) throw new Error(`test/setup/services.sh bench exited with ${started.status}`);
  const env = readFileSync(join(ROOT, ".cache/bench-services/env"), "utf8");
  process.env.TEST_POSTGRES_URL = /TEST_POSTGRES_URL=(\S+)/.exec(env)[1];
  const { queryRows } = await testDatabases();
  const [{ server_version, fsync, synchronous_commit }] = await queryRows(
    process.env.TEST_POSTGRES_URL,
    "SELECT current_setting('server_version') AS server_version, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit",
  );
  SETUPS.postgresql.about = `PostgreSQL ${server_version} on loopback (fsync = ${fsync}, synchronous_commit = ${synchronous_commit}, its data on this machine's disk), a new database for the server and one for the baseline; the server uses its default pool of 10 connections, the baseline a pg pool of 10 in a worker thread of the benchmark process.`;
}

/** Databases made for this run, dropped at its end. */
const madeDatabases = [];
async function newPostgresDatabase() {
  const url = await (await testDatabases()).createPostgresDatabase();
  madeDatabases.push(url);
  return url;
}

async function measure(database) {
  const setup = SETUPS[database];
  const serverEnv = database === "postgresql" ? { DATABASE_URL: await newPostgresDatabase() } : {};
  // ---- the server, its WebSocket client and a tiny input -------------------------------------
  const server = await startServer(serverEnv);
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#6a8caf" } }).png().toBuffer();
  const image = await upload(server.url, png);
  const input = { image: { id: image.id }, extend: { right: 16 }, infill: "COLOR" };
  const ws = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
  await new Promise((resolve, reject) => {
    ws.on("connected", resolve);
    ws.on("error", reject);
  });
  let created = 0;

  /** One job end to end: create over HTTP, then subscribe on the open WebSocket until it ends. */
  async function oneJob(agent) {
    const start = performance.now();
    const { data, end: accepted } = await gql(server.graphqlUrl, CREATE, { in: input }, agent);
    created++;
    const events = [];
    await new Promise((resolve, reject) =>
      ws.subscribe(
        { query: WATCH, variables: { id: data.createOutpaintJob.id } },
        { next: ({ data: d }) => events.push({ at: performance.now(), ...d.jobUpdated }), error: reject, complete: resolve },
      ),
    );
    const first = events[0];
    const running = events.find((e) => e.status !== "QUEUED");
    const stepped = events.find((e) => e.progress.step >= 1) ?? running;
    const last = events.at(-1);
    if (last.status !== "SUCCEEDED") throw new Error(`job ended ${last.status}`);
    return {
      id: data.createOutpaintJob.id,
      createMs: accepted - start,
      firstEventMs: first.at - accepted,
      firstStatus: first.status,
      firstProgressMs: running.at - accepted,
      firstStepMs: stepped.at - accepted,
      succeededMs: last.at - accepted,
      events: events.length,
    };
  }

  // ---- the bare baseline, in a worker thread -----------------------------------------------
  async function startBare(durability) {
    const url = database === "postgresql" ? await newPostgresDatabase() : undefined;
    const worker = new Worker(new URL("./bare-handler.mjs", import.meta.url), { workerData: { database, durability, url } });
    const { port } = await new Promise((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    return {
      url: `http://127.0.0.1:${port}/graphql`,
      async stop() {
        worker.postMessage("stop");
        const { rows } = await new Promise((resolve) => worker.once("message", resolve));
        await worker.terminate();
        return rows;
      },
    };
  }

  /**
   * `agents.length` loops of createOutpaintJob, each on its own keep-alive connection (kept from
   * window to window), for a warm-up second and then `seconds`; only requests sent after the
   * warm-up count, so connection set-up and the first burst stay out of the figures.
   */
  async function hammer(url, agents, seconds, warmupSeconds = 1) {
    const body = JSON.stringify({ query: CREATE, variables: { in: input } });
    const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
    const measureFrom = performance.now() + warmupSeconds * 1000;
    const stopAt = measureFrom + seconds * 1000;
    let ok = 0;
    let failed = 0;
    let uncounted = 0;
    const latencies = [];
    const loop = async (agent) => {
      while (performance.now() < stopAt) {
        const sent = performance.now();
        const res = await http(url, { method: "POST", headers, body, agent });
        const good = res.status === 200 && !res.text.includes('"errors"');
        if (sent < measureFrom) uncounted += good ? 1 : 0;
        else if (good) {
          ok++;
          latencies.push(res.ms);
        } else failed++;
      }
    };
    await Promise.all(agents.map(loop));
    const elapsed = (performance.now() - measureFrom) / 1000; // the last answers arrive a little after stopAt
    return { ok, failed, accepted: ok + uncounted, perSecond: ok / elapsed, seconds: elapsed, latency: summarize(latencies) };
  }
  const agents = () => Array.from({ length: CLIENTS }, () => keepAlive(1));

  // ---- (a) sequential latency ---------------------------------------------------------------
  step(`${setup.title}: sequential jobs`);
  const agent = keepAlive(1);
  for (let i = 0; i < WARMUP; i++) await oneJob(agent);
  /** One round of (a): SEQUENTIAL jobs end to end, then the floors and the bare inserts, on the same connection. */
  async function sequentialRound() {
    const before = await scrapeMetrics(server.url);
    const jobs = [];
    for (let i = 0; i < SEQUENTIAL; i++) jobs.push(await oneJob(agent));
    const after = await scrapeMetrics(server.url);
    // The subscribe round trip alone, on an idle server: jobs that have ended answer with their state and complete.
    const subscribeIdle = [];
    for (const job of jobs) {
      const start = performance.now();
      await new Promise((resolve, reject) =>
        ws.subscribe({ query: WATCH, variables: { id: job.id } }, { next: () => subscribeIdle.push(performance.now() - start), error: reject, complete: resolve }),
      );
    }
    const floor = [];
    const readOne = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      floor.push((await gql(server.graphqlUrl, "{ __typename }", {}, agent)).ms);
      readOne.push((await gql(server.graphqlUrl, "query($id: ID!) { image(id: $id) { id width } }", { id: image.id }, agent)).ms);
    }
    const bareSeq = {};
    for (const durability of setup.durability) {
      const bare = await startBare(durability);
      const times = [];
      for (let i = 0; i < WARMUP + SEQUENTIAL; i++) {
        const body = JSON.stringify({ query: CREATE, variables: { in: input } });
        const res = await http(bare.url, { method: "POST", headers: { "content-type": "application/json" }, body, agent });
        if (i >= WARMUP) times.push(res.ms);
      }
      await bare.stop();
      bareSeq[durability] = summarize(times);
    }
    const metricMean = (name, label = "") => {
      const sum = after[`${name}_sum${label}`] - (before[`${name}_sum${label}`] ?? 0);
      const count = after[`${name}_count${label}`] - (before[`${name}_count${label}`] ?? 0);
      return (sum / count) * 1000;
    };
    const serverSide = {
      queueWaitMeanMs: metricMean("outpaint_job_queue_wait_seconds"),
      runMeanMs: metricMean("outpaint_job_duration_seconds", '{status="SUCCEEDED"}'),
    };
    const pick = (key) => summarize(jobs.map((j) => j[key]));
    const sequential = {
      n: SEQUENTIAL,
      create: pick("createMs"),
      firstEvent: pick("firstEventMs"),
      firstProgress: pick("firstProgressMs"),
      firstStep: pick("firstStepMs"),
      succeeded: pick("succeededMs"),
      firstStatus: Object.fromEntries(["QUEUED", "RUNNING", "SUCCEEDED"].map((s) => [s, jobs.filter((j) => j.firstStatus === s).length])),
      eventsPerJob: mean(jobs.map((j) => j.events)),
      apolloFloor: summarize(floor),
      subscribeIdle: summarize(subscribeIdle),
      imageQuery: summarize(readOne),
      bare: bareSeq,
      serverSide,
    };
    // Added latency per job: request sent to first progress event, less the bare insert's median round trip.
    sequential.addedToFirstProgress = summarize(jobs.map((j) => j.createMs + j.firstProgressMs - bareSeq[setup.durability[0]].p50));
    return sequential;
  }

  // Each figure is the median over the rounds of that round's p50 (or p99).
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(await sequentialRound());
  const across = (get) => ({ p50: median(rounds.map((r) => get(r).p50)), p99: median(rounds.map((r) => get(r).p99)) });
  const sequential = {
    n: SEQUENTIAL,
    rounds: ROUNDS,
    create: across((r) => r.create),
    firstEvent: across((r) => r.firstEvent),
    firstProgress: across((r) => r.firstProgress),
    firstStep: across((r) => r.firstStep),
    succeeded: across((r) => r.succeeded),
    apolloFloor: across((r) => r.apolloFloor),
    subscribeIdle: across((r) => r.subscribeIdle),
    imageQuery: across((r) => r.imageQuery),
    bare: Object.fromEntries(setup.durability.map((d) => [d, across((r) => r.bare[d])])),
    addedToFirstProgress: across((r) => r.addedToFirstProgress),
    firstStatus: Object.fromEntries(["QUEUED", "RUNNING", "SUCCEEDED"].map((st) => [st, rounds.reduce((a, r) => a + r.firstStatus[st], 0)])),
    eventsPerJob: mean(rounds.map((r) => r.eventsPerJob)),
    serverSide: { queueWaitMeanMs: median(rounds.map((r) => r.serverSide.queueWaitMeanMs)), runMeanMs: median(rounds.map((r) => r.serverSide.runMeanMs)) },
    perRound: rounds,
  };

  // ---- (b) accepted jobs per second, 50 clients ----------------------------------------------
  step(`${setup.title}: 50 clients, server then baseline`);
  const windows = [];
  const serverAgents = agents();
  for (let w = 0; w < WINDOWS; w++) {
    const cpuBefore = server.cpuSeconds();
    const done0 = (await scrapeMetrics(server.url))['outpaint_jobs{status="SUCCEEDED"}'];
    const wall0 = performance.now();
    const run = await hammer(server.graphqlUrl, serverAgents, WINDOW_S);
    const wall = (performance.now() - wall0) / 1000;
    const m = await scrapeMetrics(server.url);
    created += run.accepted;
    windows.push({
      ...run,
      serverCpuMsPerJob: ((server.cpuSeconds() - cpuBefore) * 1000) / run.accepted,
      completedPerSecond: (m['outpaint_jobs{status="SUCCEEDED"}'] - done0) / wall,
      queuedAtEnd: m['outpaint_jobs{status="QUEUED"}'],
    });
  }
  const bareWindows = {};
  for (const durability of setup.durability) {
    const bare = await startBare(durability);
    bareWindows[durability] = [];
    const bareAgents = agents();
    for (let w = 0; w < WINDOWS; w++) bareWindows[durability].push(await hammer(bare.url, bareAgents, WINDOW_S));
    for (const a of bareAgents) a.destroy();
    const rows = await bare.stop();
    const sent = bareWindows[durability].reduce((a, r) => a + r.accepted, 0);
    if (rows !== sent) throw new Error(`bare handler stored ${rows} rows for ${sent} answers`);
  }
  const medianWindow = (list, key) => median(list.map((r) => r[key]));
  const throughput = {
    clients: CLIENTS,
    windowSeconds: WINDOW_S,
    server: windows,
    bare: bareWindows,
    serverPerSecond: medianWindow(windows, "perSecond"),
    barePerSecond: Object.fromEntries(setup.durability.map((d) => [d, medianWindow(bareWindows[d], "perSecond")])),
  };

  // ---- cross-check with /metrics, then drain for a while -------------------------------------
  const final = await scrapeMetrics(server.url);
  const counted = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"].reduce((a, s) => a + final[`outpaint_jobs{status="${s}"}`], 0);
  const metricsCheck = {
    created,
    counted,
    failed: final['outpaint_jobs{status="FAILED"}'],
    queued: final['outpaint_jobs{status="QUEUED"}'],
    matches: counted === created,
    eventLoopLagP99Ms: final.nodejs_eventloop_lag_p99_seconds * 1000,
    serverRssBytes: final.process_resident_memory_bytes,
  };
  ws.dispose();
  agent.destroy();
  for (const a of serverAgents) a.destroy();
  const logErrors = server.logs.errors.length;
  await server.stop();
  return { sequential, throughput, metricsCheck, logErrors };
}

// ---- report -------------------------------------------------------------------------------
/** One database's section of the report and its targets. */
function report(database, { sequential: s, throughput, metricsCheck, logErrors }, loadInfo) {
  const setup = SETUPS[database];
  const [durable, relaxed] = setup.durability;
  const targets = [
    { target: `API (${setup.title}): p99 added latency to first event < 20 ms`, measured: `${ms(s.addedToFirstProgress.p99)} ms`, met: s.addedToFirstProgress.p99 < 20 },
    {
      target: `API (${setup.title}): accepted jobs/s >= 0.5x the bare insert's (${setup.knob} ${durable})`,
      measured: `${throughput.serverPerSecond.toFixed(0)}/s = ${ratio(throughput.serverPerSecond / throughput.barePerSecond[durable])}`,
      met: throughput.serverPerSecond >= 0.5 * throughput.barePerSecond[durable],
    },
  ];
  const row = (label, sum, base) => [label, ms(sum.p50), ms(sum.p99), base ? ratio(sum.p50 / base.p50) : "", base ? ratio(sum.p99 / base.p99) : ""];
  const windows = throughput.server;
  const bareWindows = throughput.bare;
  const lines = [
    `### On ${setup.title}`,
    "",
    `Database: ${setup.about}`,
    "",
    `#### (a) One job at a time: 64x64 PNG, extend right 16, infill COLOR, ${s.rounds} rounds of N = ${s.n} after ${WARMUP} warm-up jobs`,
    "",
    "Times in ms, each the median over the rounds of that round's p50 or p99. Create = request sent to response received (keep-alive). After the response the client subscribes to `jobUpdated` on its already-open graphql-ws connection; the other rows are measured from the response.",
    "",
    table(["", "p50", "p99", "p50 / baseline", "p99 / baseline"], [
      row("createOutpaintJob round trip", s.create, s.bare[durable]),
      row(`baseline: bare insert (${setup.knob} ${durable})`, s.bare[durable]),
      row(`bare insert, ${setup.knob} ${relaxed}`, s.bare[relaxed], s.bare[durable]),
      row("server floor: `{ __typename }` over HTTP", s.apolloFloor, s.bare[durable]),
      row("server: `image(id)` query (one read)", s.imageQuery, s.bare[durable]),
      row("subscribe -> first event on an idle server (job already ended)", s.subscribeIdle, s.bare[durable]),
      row("response -> first event (current state)", s.firstEvent),
      row("response -> first RUNNING event", s.firstProgress),
      row("response -> first engine step event (progress.step >= 1)", s.firstStep),
      row("response -> SUCCEEDED event", s.succeeded),
      row("**added latency to first progress event** (create + first RUNNING - baseline p50)", s.addedToFirstProgress),
    ]),
    "",
    `Added latency p99 per round: ${s.perRound.map((r) => ms(r.addedToFirstProgress.p99)).join(", ")} ms. The first event was QUEUED for ${s.firstStatus.QUEUED}, RUNNING for ${s.firstStatus.RUNNING} and already SUCCEEDED for ${s.firstStatus.SUCCEEDED} of ${s.n * s.rounds} jobs; ${s.eventsPerJob.toFixed(1)} events per job. Server side (GET /metrics histograms, mean over these jobs): creation to claim ${ms(s.serverSide.queueWaitMeanMs)} ms, claim to end ${ms(s.serverSide.runMeanMs)} ms.`,
    "",
    `#### (b) Accepted jobs per second, ${CLIENTS} concurrent keep-alive clients, ${WINDOWS} windows of ${WINDOW_S} s (median)`,
    "",
    "Each window starts with one uncounted second on the same connections; latency is request sent to answer received.",
    "",
    table(["", "accepted/s", "vs baseline", "latency p50 ms", "latency p99 ms", "errors"], [
      ["outpaint server", throughput.serverPerSecond.toFixed(0), ratio(throughput.serverPerSecond / throughput.barePerSecond[durable]), ms(median(windows.map((w) => w.latency.p50))), ms(median(windows.map((w) => w.latency.p99))), String(windows.reduce((a, w) => a + w.failed, 0))],
      ...setup.durability.map((d) => [
        d === durable ? `baseline: bare insert, ${setup.knob} ${d}` : `bare insert, ${setup.knob} ${d}`,
        throughput.barePerSecond[d].toFixed(0),
        ratio(throughput.barePerSecond[d] / throughput.barePerSecond[durable]),
        ms(median(bareWindows[d].map((w) => w.latency.p50))),
        ms(median(bareWindows[d].map((w) => w.latency.p99))),
        String(bareWindows[d].reduce((a, w) => a + w.failed, 0)),
      ]),
    ]),
    "",
    `Server windows: ${windows.map((w) => `${w.perSecond.toFixed(0)}/s`).join(", ")}; server CPU per accepted job ${windows.map((w) => ms(w.serverCpuMsPerJob)).join(", ")} ms (the job runs it queued are included); meanwhile the worker completed ${windows.map((w) => w.completedPerSecond.toFixed(1)).join(", ")} jobs/s and ${windows.at(-1).queuedAtEnd} were queued at the end. The clients run in the benchmark process on the same ${loadInfo.cores} cores.`,
    "",
    `Cross-check with GET /metrics: outpaint_jobs over all statuses = ${metricsCheck.counted}, jobs this benchmark created = ${metricsCheck.created} (${metricsCheck.matches ? "match" : "**mismatch**"}); FAILED ${metricsCheck.failed}; event-loop lag p99 since the previous scrape ${ms(metricsCheck.eventLoopLagP99Ms)} ms; server RSS ${(metricsCheck.serverRssBytes / 2 ** 20).toFixed(0)} MiB; error log lines ${logErrors}.`,
    "",
  ];
  return { lines, targets };
}

const results = {};
for (const database of DATABASES) {
  if (database === "postgresql") await startPostgres();
  results[database] = await measure(database);
}
const loadInfo = load.stop();
for (const url of madeDatabases) await (await testDatabases()).dropPostgresDatabase(url);
const sections = DATABASES.map((d) => report(d, results[d], loadInfo));
const targets = sections.flatMap((section) => section.targets);
const lines = [
  "## API overhead (SQLite and PostgreSQL)",
  "",
  `${machineLine()} ${loadLine(loadInfo)}`,
  `Server: \`outpaint serve\` with its defaults (JOB_CONCURRENCY 2, keyless on loopback, LOG_LEVEL info), its own process. Baseline: a bare node:http handler doing the same insert into a copy of the server's own schema on the same database, and answering.${DATABASES.includes("postgresql") ? "" : " PostgreSQL was left out (--sqlite-only)."}`,
  "",
  ...sections.flatMap((section) => section.lines),
  "#### Targets",
  "",
  targetTable(targets),
];
writeArea("api", lines.join("\n"), { load: loadInfo, ...results, targets });
