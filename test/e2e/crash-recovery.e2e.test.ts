import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { queryRows } from "../helpers/database.js";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { collect, gqlData, uploadImage } from "../helpers/graphql-client.js";
import { createJob, waitForAllEnded, type JobView } from "../helpers/jobs.js";
import { photo } from "../helpers/paths.js";
import { ServerProcess } from "../helpers/server-process.js";

let server: ServerProcess;
let subscriber: Client | null = null;
before(async () => {
  server = await ServerProcess.start({ JOB_CONCURRENCY: "2" });
});
after(async () => {
  await subscriber?.dispose();
  await server.dispose();
});

async function jobsWithStatus(status: string): Promise<string[]> {
  const data = await gqlData<{ jobs: { nodes: { id: string }[] } }>(
    server.graphqlUrl,
    `query($status: JobStatus) { jobs(status: $status, first: 100) { nodes { id } } }`,
    { status },
  );
  return data.jobs.nodes.map((node) => node.id);
}

/** Jobs the database shows RUNNING while the server is down: the runs a kill really cut off. */
async function runningInDatabase(): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(server.databaseUrl, `SELECT id FROM "OutpaintJob" WHERE status = 'RUNNING'`);
  return rows.map((row) => row.id);
}

/**
 * Waits until a job is running and others are still queued, then kills the server with SIGKILL.
 * A run that ended just before the kill does not count: then the server is started and killed again.
 */
async function killWhileBusy(): Promise<{ running: string[] }> {
  for (;;) {
    const [running, queued] = [await jobsWithStatus("RUNNING"), await jobsWithStatus("QUEUED")];
    if (running.length > 0 && queued.length > 0) {
      await server.kill();
      const cutOff = await runningInDatabase();
      if (cutOff.length > 0) return { running: cutOff };
      await server.restart();
    } else if (queued.length === 0) {
      // A condition, not a clock: with 200 jobs this would take a queue far faster than the kills.
      throw new Error("every job was taken before a kill could land mid-run");
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test("200 jobs, SIGKILL twice while they run: all end SUCCEEDED exactly once, and a reconnecting subscriber sees every final state", async () => {
  const upload = await uploadImage(server.url, readFileSync(photo("chelsea.png")), "image/png");
  const submitted: JobView[] = [];
  for (let i = 0; i < 200; i++) {
    // Every tenth job is a content-aware fill of a few hundred ms, so kills land mid-run.
    const input =
      i % 10 === 0
        ? { image: { id: upload.id }, extend: { right: 200 + i, bottom: 120 } }
        : { image: { id: upload.id }, extend: { right: 16 + (i % 50), bottom: 8 }, infill: "EDGE" };
    submitted.push(await createJob(server.graphqlUrl, input));
  }

  // One WebSocket client follows every job; when the server dies it reconnects and resubscribes.
  subscriber = createClient({
    url: server.wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: Infinity,
    // While the server is down, connecting fails with an error rather than a close event; retry both.
    shouldRetry: () => true,
    retryWait: () => new Promise((resolve) => setTimeout(resolve, 100)),
  });
  const followed = submitted.map((job) => collect<{ jobUpdated: { status: string } }>(subscriber!, `subscription($id: ID!) { jobUpdated(id: $id) { status } }`, { id: job.id }));

  const interrupted = new Set<string>();
  for (let round = 0; round < 2; round++) {
    const { running } = await killWhileBusy();
    running.forEach((id) => interrupted.add(id));
    await server.restart();
  }

  const ended = await waitForAllEnded(server.graphqlUrl, submitted.map((job) => job.id));
  assert.deepEqual(
    ended.filter((job) => job.status !== "SUCCEEDED").map((job) => [job.id, job.status, job.error]),
    [],
    "every job succeeded",
  );
  const total = await gqlData<{ jobs: { totalCount: number } }>(server.graphqlUrl, "{ jobs { totalCount } }");
  assert.equal(total.jobs.totalCount, submitted.length, "no job lost and none invented");

  const streams = await Promise.all(followed);
  streams.forEach((messages, i) => {
    assert.ok(messages.every((message) => !message.errors), JSON.stringify(messages.find((message) => message.errors)));
    assert.equal(messages[messages.length - 1]?.data?.jobUpdated.status, "SUCCEEDED", `the subscriber saw job ${submitted[i]!.id} end`);
    assert.equal(messages.filter((message) => message.data?.jobUpdated.status === "SUCCEEDED").length, 1);
  });

  // Each job ran to completion once: never two success records, never a discarded second result.
  for (const job of submitted) {
    const successes = server.logged("job succeeded").filter((line) => line.jobId === job.id);
    assert.ok(successes.length <= 1, `job ${job.id} completed ${successes.length} times`);
  }
  assert.equal(server.logged("job finished but this attempt no longer owned it; result discarded").length, 0);

  // Runs cut off by a kill were retried, and every run started is counted as an attempt.
  assert.ok(interrupted.size >= 1);
  for (const job of ended) {
    const runs = server.logged("job started").filter((line) => line.jobId === job.id).length;
    // A kill can land between a claim's commit and its log line: that claim is an attempt too.
    assert.ok(job.attempts >= runs && job.attempts <= runs + 2, `job ${job.id}: ${job.attempts} attempts but ${runs} runs started`);
    if (interrupted.has(job.id)) assert.ok(job.attempts >= 2, `interrupted job ${job.id} was not run again`);
  }
  assert.equal(server.logged("recovered jobs interrupted by the previous shutdown").length, 2);
});
