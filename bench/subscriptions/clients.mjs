// The subscribers, in their own process (forked by run.mjs) so that their CPU use is apart from
// the benchmark's: each is one graphql-ws client on its own WebSocket. Commands arrive over IPC;
// every receipt is timed here, on this process's one clock.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

// The web playground's selection (web/playground/api.ts): what a browser watching a job asks for.
const FIELDS = `id status stage width height placement { x y width height }
  progress { pass passCount step totalSteps percent etaSeconds }
  preview { url } result { url format } error { code message field }`;
const WATCH = `subscription($id: ID!) { jobUpdated(id: $id) { ${FIELDS} } }`;

const clients = [];
const subscribers = []; // { job, events: [{ key, at }], done, error }
const startedAt = performance.now();

async function connect(url, count) {
  const start = performance.now();
  const batch = Array.from({ length: count }, () => {
    const client = createClient({ url, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
    clients.push(client);
    return new Promise((resolve, reject) => {
      client.on("connected", resolve);
      client.on("error", reject);
    });
  });
  await Promise.all(batch);
  return { ms: performance.now() - start, clients: clients.length };
}

/** The next `count` connected clients subscribe, to `ids` in turn; resolves once each has its first event. */
async function subscribe(ids, count) {
  const start = performance.now();
  const firsts = [];
  for (let i = 0; i < count; i++) {
    const client = clients[subscribers.length];
    if (!client) throw new Error("more subscribers than clients");
    const sub = { job: ids[i % ids.length], events: [], done: false, error: null };
    subscribers.push(sub);
    firsts.push(
      new Promise((resolve) => {
        client.subscribe(
          { query: WATCH, variables: { id: sub.job } },
          {
            next: ({ data, errors }) => {
              if (errors) sub.error = errors[0].message;
              const j = data.jobUpdated;
              // What tells one broadcast from another: a preview event repeats the step before it but for its preview.
              const key = `${j.status}|${j.stage}|${j.progress.pass}|${j.progress.step}|${j.progress.percent}|${j.progress.etaSeconds}|${j.preview?.url ?? ""}`;
              sub.events.push({ key, at: performance.now(), data });
              if (sub.events.length === 1) resolve();
            },
            error: (error) => {
              sub.error = String(error?.message ?? error?.reason ?? error);
              resolve();
            },
            complete: () => {
              sub.done = true;
              resolve();
            },
          },
        );
      }),
    );
  }
  await Promise.all(firsts);
  return { ms: performance.now() - start, subscribers: subscribers.length };
}

async function waitDone(timeoutMs) {
  const stopAt = performance.now() + timeoutMs;
  while (subscribers.some((s) => !s.done && !s.error) && performance.now() < stopAt) await new Promise((r) => setTimeout(r, 50));
}

/**
 * Delivery delay of each event to each subscriber: its receipt time less the earliest receipt of
 * the same event (job, key, and how many times the subscriber saw that key) by any subscriber.
 * A subscriber's first event is the job's current state read at subscribe time, not a
 * broadcast, so it is left out.
 */
function collect() {
  const earliest = new Map();
  const first = new Map();
  const tagged = [];
  for (const sub of subscribers) {
    const seen = new Map();
    for (const [index, event] of sub.events.entries()) {
      if (index === 0) continue;
      const n = (seen.get(event.key) ?? 0) + 1;
      seen.set(event.key, n);
      const id = `${sub.job}|${event.key}|${n}`;
      tagged.push([id, event.at]);
      const prior = earliest.get(id);
      if (prior === undefined || event.at < prior) {
        earliest.set(id, event.at);
        first.set(id, { job: sub.job, data: event.data });
      }
    }
  }
  const delays = tagged.map(([id, at]) => at - earliest.get(id));
  const times = tagged.map(([, at]) => at);
  // Events broadcast after every subscriber of the job had joined should reach each of them.
  const joined = new Map();
  for (const sub of subscribers) joined.set(sub.job, Math.max(joined.get(sub.job) ?? 0, sub.events[0]?.at ?? Infinity));
  const received = new Map(subscribers.map((s) => [s, new Set()]));
  for (const sub of subscribers) {
    const seen = new Map();
    for (const event of sub.events.slice(1)) {
      const n = (seen.get(event.key) ?? 0) + 1;
      seen.set(event.key, n);
      received.get(sub).add(`${sub.job}|${event.key}|${n}`);
    }
  }
  let missed = 0;
  for (const [id, at] of earliest) {
    const job = id.slice(0, id.indexOf("|"));
    if (at <= joined.get(job)) continue;
    for (const sub of subscribers) if (sub.job === job && !received.get(sub).has(id)) missed++;
  }
  const firstAt = [...earliest.values()].reduce((a, b) => Math.min(a, b), Infinity);
  // What was broadcast and when (first receipt), for the baseline to replay.
  const schedule = [...first.entries()]
    .map(([id, { job, data }]) => ({ job, data, final: ["SUCCEEDED", "FAILED", "CANCELLED"].includes(data.jobUpdated.status), at: earliest.get(id) - firstAt }))
    .sort((a, b) => a.at - b.at);
  return {
    schedule,
    delays,
    events: tagged.length,
    firstAt: times.reduce((a, b) => Math.min(a, b), Infinity),
    lastAt: times.reduce((a, b) => Math.max(a, b), -Infinity),
    distinct: earliest.size,
    completed: subscribers.filter((s) => s.done).length,
    errors: subscribers.filter((s) => s.error).map((s) => s.error).slice(0, 5),
    errorCount: subscribers.filter((s) => s.error).length,
    /** Deliveries missing: events broadcast after all of a job's subscribers joined that one of them did not get. */
    missed,
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    uptimeMs: performance.now() - startedAt,
  };
}

process.on("message", async ({ id, cmd, args }) => {
  try {
    let result;
    if (cmd === "connect") result = await connect(args.url, args.count);
    else if (cmd === "subscribe") result = await subscribe(args.ids, args.count);
    else if (cmd === "wait") result = await waitDone(args.timeoutMs);
    else if (cmd === "collect") result = collect();
    else if (cmd === "now") result = performance.now();
    else if (cmd === "dispose") {
      await Promise.all(clients.map((c) => c.dispose()));
      result = true;
    }
    process.send({ id, result });
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error) });
  }
});
process.send({ ready: true });
