// The baseline: the least a server can do for the same subscribers. A bare `ws` server in its own
// process speaks just enough graphql-transport-ws (connection_ack, one `next` with a snapshot
// per subscribe, `complete`) for the unchanged graphql-ws clients, then replays a recorded event
// schedule: each event is one JSON.stringify and one send per subscriber of its job.
import { WebSocketServer } from "ws";

const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, path: "/graphql" });
const byJob = new Map(); // job id -> [{ socket, opId }]

wss.on("connection", (socket) => {
  socket.on("message", (raw) => {
    const message = JSON.parse(raw);
    if (message.type === "connection_init") socket.send(JSON.stringify({ type: "connection_ack" }));
    else if (message.type === "ping") socket.send(JSON.stringify({ type: "pong" }));
    else if (message.type === "subscribe") {
      const job = message.payload.variables.id;
      if (!byJob.has(job)) byJob.set(job, []);
      byJob.get(job).push({ socket, opId: message.id });
      const snapshot = { id: job, status: "QUEUED", stage: null, progress: { pass: 0, passCount: 1, step: 0, totalSteps: 0, percent: 0, etaSeconds: null }, result: null, error: null };
      socket.send(JSON.stringify({ id: message.id, type: "next", payload: { data: { jobUpdated: snapshot } } }));
    }
  });
});

function send(job, data, final) {
  for (const { socket, opId } of byJob.get(job) ?? []) {
    socket.send(JSON.stringify({ id: opId, type: "next", payload: { data } }));
    if (final) socket.send(JSON.stringify({ id: opId, type: "complete" }));
  }
}

/** Replays `schedule` ([{ job, data, final, at }], `at` in ms from the start), on time or as fast as it can. */
async function replay(schedule, onTime) {
  const start = performance.now();
  for (const event of schedule) {
    if (onTime) {
      const wait = event.at - (performance.now() - start);
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    send(event.job, event.data, event.final);
  }
  return performance.now() - start;
}

process.on("message", async ({ id, cmd, args }) => {
  let result;
  if (cmd === "replay") result = await replay(args.schedule, args.onTime);
  else if (cmd === "gc") globalThis.gc?.();
  else if (cmd === "memoryUsage") result = process.memoryUsage();
  else if (cmd === "cpu") result = (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
  process.send({ id, result });
});
wss.on("listening", () => process.send({ ready: true, port: wss.address().port }));
