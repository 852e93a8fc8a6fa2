import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { createPostgresDatabase, dropPostgresDatabase } from "../helpers/database.js";
import { collect, gqlData, uploadImage } from "../helpers/graphql-client.js";
import { createFluxTune, createJob, getJob, handBackARunningJob, waitForAllEnded, waitForEnd, type JobView } from "../helpers/jobs.js";
import { photo } from "../helpers/paths.js";
import { ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";
import { WebhookReceiver } from "../helpers/webhook-receiver.js";

// Several machines' worth of processes on one: two API processes (ROLE=serve) and two workers,
// sharing PostgreSQL, Redis (BullMQ and pub/sub) and the image directory.

const processes: ServerProcess[] = [];
let databaseUrl = "";
let subscriber: Client | null = null;
const receiver = new WebhookReceiver(() => 200);
after(async () => {
  await subscriber?.dispose();
  for (const process of processes) await process.dispose();
  await receiver.stop();
  if (databaseUrl) await dropPostgresDatabase(databaseUrl);
});

interface Snapshot {
  jobUpdated: { id: string; status: JobView["status"]; attempts: number; progress: { percent: number } };
}

test("two APIs and two workers: 200 jobs, a worker SIGKILLed mid-run, every job succeeds exactly once, progress crosses processes", async () => {
  const redisUrl = process.env.TEST_REDIS_URL;
  assert.ok(redisUrl, "TEST_REDIS_URL is set (npm test starts Redis with test/setup/services.sh)");
  databaseUrl = await createPostgresDatabase();
  await receiver.start();
  const dataDir = mkdtempSync(join(tmpdir(), "outpaint-distributed-"));
  const shared = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    // A deployment of its own on the shared Redis.
    QUEUE_PREFIX: `test-${randomBytes(4).toString("hex")}`,
    QUEUE_LOCK_MS: "2000",
    URL_FETCH_ALLOW: "127.0.0.1",
  };
  const api1 = await ServerProcess.start({ ...shared, ROLE: "serve" }, dataDir);
  const api2 = await ServerProcess.start({ ...shared, ROLE: "serve" }, dataDir);
  processes.push(api1, api2);

  const upload = await uploadImage(api1.url, readFileSync(photo("chelsea.png")), "image/png");
  const submitted: JobView[] = [];
  for (let i = 0; i < 200; i++) {
    const api = i % 2 === 0 ? api1 : api2;
    // Every tenth job is a content-aware fill of a few hundred ms, so the kill lands mid-run.
    const input =
      i % 10 === 0
        ? { image: { id: upload.id }, extend: { right: 200 + i, bottom: 120 }, callbackUrl: receiver.url }
        : { image: { id: upload.id }, extend: { right: 16 + (i % 50), bottom: 8 }, infill: "EDGE", callbackUrl: receiver.url };
    submitted.push(await createJob(api.graphqlUrl, input));
  }

  // One WebSocket client on API 1 follows every job, from before any worker runs.
  subscriber = createClient({ url: api1.wsUrl, webSocketImpl: WebSocket });
  const following = new Set<string>();
  const followed = submitted.map((job) =>
    collect<Snapshot>(subscriber!, `subscription($id: ID!) { jobUpdated(id: $id) { id status attempts progress { percent } } }`, { id: job.id }, () =>
      following.add(job.id),
    ),
  );
  // Each subscription first sends the job's current state: once all have, all are live.
  await waitFor(() => `every subscription live (${following.size} of ${submitted.length})`, () => following.size === submitted.length);

  const workerEnv = { ...shared, JOB_CONCURRENCY: "2", PUBLIC_URL: api1.url };
  const worker1 = await ServerProcess.start(workerEnv, dataDir, "worker");
  const worker2 = await ServerProcess.start(workerEnv, dataDir, "worker");
  processes.push(worker1, worker2);

  // SIGKILL worker 1 while it runs a job, after it has finished some.
  const killedWhileRunning = await waitFor(
    "worker 1 to have a job running after finishing ten",
    async () => {
      const started = worker1.logged("job started").map((line) => line.jobId as string);
      const done = new Set(worker1.logged("job succeeded").map((line) => line.jobId as string));
      const running = started.filter((id) => !done.has(id));
      if (done.size < 10 || running.length === 0) return null;
      await worker1.kill();
      return running.filter((id) => !worker1.logged("job succeeded").some((line) => line.jobId === id));
    },
    5,
  );
  assert.ok(killedWhileRunning.length > 0);

  const ended = await waitForAllEnded(api2.graphqlUrl, submitted.map((job) => job.id));
  assert.deepEqual(
    ended.filter((job) => job.status !== "SUCCEEDED").map((job) => [job.id, job.status, job.error]),
    [],
    "every job succeeded",
  );
  const total = await gqlData<{ jobs: { totalCount: number } }>(api2.graphqlUrl, "{ jobs { totalCount } }");
  assert.equal(total.jobs.totalCount, 200, "no job lost and none invented");

  // Exactly once: one recorded success per job across both workers, one job.succeeded webhook each.
  const succeededOn = new Map<string, string[]>();
  for (const [name, worker] of [["worker 1", worker1], ["worker 2", worker2]] as const) {
    for (const line of worker.logged("job succeeded")) succeededOn.set(line.jobId as string, [...(succeededOn.get(line.jobId as string) ?? []), name]);
  }
  for (const job of submitted) assert.equal(succeededOn.get(job.id)?.length, 1, `job ${job.id} succeeded on ${succeededOn.get(job.id)}`);
  for (const worker of [worker1, worker2]) {
    assert.equal(worker.logged("job finished but this attempt no longer owned it; result discarded").length, 0);
  }
  // The jobs the kill cut off were taken over by worker 2 as new attempts.
  for (const id of killedWhileRunning) {
    assert.equal(succeededOn.get(id)?.[0], "worker 2", `job ${id} cut off on worker 1 finished on worker 2`);
    assert.ok(ended.find((job) => job.id === id)!.attempts >= 2, `job ${id} was run again`);
  }
  assert.ok(worker2.logged("took over a job interrupted on another worker").length >= killedWhileRunning.length);

  // One event per job. Delivery is at least once: a dispatcher killed between its POST and
  // recording the answer leaves the delivery to be sent again once its claim lapses, with the same
  // webhook-id, which is what receivers deduplicate on (Standard Webhooks).
  const messageIds = () => new Set(receiver.received.map((request) => request.headers["webhook-id"]));
  await waitFor(() => `200 webhook events (${messageIds().size} so far)`, () => messageIds().size >= 200, 100);
  const events = receiver.received.map((request) => ({
    messageId: request.headers["webhook-id"],
    ...(JSON.parse(request.body) as { type: string; data: { id: string } }),
  }));
  assert.deepEqual(new Set(events.map((event) => event.type)), new Set(["job.succeeded"]));
  const messagesOfJob = new Map<string, Set<unknown>>();
  for (const event of events) messagesOfJob.set(event.data.id, (messagesOfJob.get(event.data.id) ?? new Set()).add(event.messageId));
  assert.deepEqual(new Set(messagesOfJob.keys()), new Set(submitted.map((job) => job.id)), "every job's webhook arrived");
  assert.deepEqual([...messagesOfJob.values()].filter((ids) => ids.size !== 1), [], "one message per job: a resend keeps its webhook-id");
  // Only what the killed worker's dispatcher had in flight (a batch of at most 16) can arrive twice.
  assert.ok(events.length - 200 <= 16, `${events.length - 200} webhooks sent twice`);

  // The subscriber on API 1 saw the progress of jobs run by either worker, and each end once.
  const streams = await Promise.all(followed);
  const sawRunning = new Set<string>();
  streams.forEach((messages, i) => {
    assert.ok(messages.every((message) => !message.errors), JSON.stringify(messages.find((message) => message.errors)));
    const statuses = messages.map((message) => message.data!.jobUpdated.status);
    assert.equal(statuses.at(-1), "SUCCEEDED", `the subscriber saw job ${submitted[i]!.id} end`);
    assert.equal(statuses.filter((status) => status === "SUCCEEDED").length, 1);
    if (statuses.includes("RUNNING")) sawRunning.add(submitted[i]!.id);
  });
  for (const worker of [worker1, worker2]) {
    const ranHere = worker.logged("job succeeded").map((line) => line.jobId as string);
    assert.ok(ranHere.some((id) => sawRunning.has(id)), "API 1's subscriber saw progress of a job this worker ran");
  }

  // One queue per backend: a FLUX job waits for a GPU worker, and a CPU-only worker never takes it
  // (with one queue, worker 2 would take it first and fail it BACKEND_UNAVAILABLE).
  const fluxJob = await createJob(api1.graphqlUrl, { image: { id: upload.id }, extend: { right: 64 }, tuneId: await createFluxTune(api1.graphqlUrl), prompt: "a cat" });
  const later = await createJob(api2.graphqlUrl, { image: { id: upload.id }, extend: { right: 32 }, infill: "EDGE" });
  assert.equal((await waitForEnd(api1.graphqlUrl, later.id)).status, "SUCCEEDED");
  const waiting = await getJob(api1.graphqlUrl, fluxJob.id);
  assert.deepEqual([waiting.status, waiting.attempts], ["QUEUED", 0], "no CPU-only worker took the FLUX job");

  // SIGTERM on a worker: a run still going when SHUTDOWN_GRACE ends goes back to Redis and the
  // next worker runs it, as a clean hand-back (no attempt spent, nothing to take over).
  await worker2.stop();
  const worker3 = await ServerProcess.start({ ...workerEnv, SHUTDOWN_GRACE: "0" }, dataDir, "worker");
  processes.push(worker3);
  const long = await handBackARunningJob(worker3, api1.graphqlUrl, { image: { id: upload.id }, target: { width: 2000, height: 2000 } });
  await worker2.restart();
  const handedBack = await waitForEnd(api1.graphqlUrl, long.id);
  assert.deepEqual([handedBack.status, handedBack.attempts], ["SUCCEEDED", 1]);
  assert.ok(worker2.logged("job succeeded").some((line) => line.jobId === long.id), "the next worker ran it");
  assert.ok(!worker2.logged("took over a job interrupted on another worker").some((line) => line.jobId === long.id), "as a hand-back, not a crash");
});
