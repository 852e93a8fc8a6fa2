import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import { gqlData, uploadImage } from "../helpers/graphql-client.js";
import { createJob, waitForEnd, type JobView } from "../helpers/jobs.js";
import { photo } from "../helpers/paths.js";
import { ServerProcess } from "../helpers/server-process.js";

let server: ServerProcess;
before(async () => {
  server = await ServerProcess.start({ JOB_CONCURRENCY: "1" });
});
after(async () => {
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
function runningInDatabase(): string[] {
  const db = new Database(join(server.dataDir, "outpaint.db"), { readonly: true });
  try {
    return (db.prepare(`SELECT id FROM "OutpaintJob" WHERE status = 'RUNNING'`).all() as { id: string }[]).map((row) => row.id);
  } finally {
    db.close();
  }
}

/**
 * Waits until a job is running and others are still queued, then kills the server with SIGKILL.
 * A run that ended just before the kill does not count: then the server is started and killed again.
 */
async function killWhileBusy(): Promise<{ running: string[] }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [running, queued] = [await jobsWithStatus("RUNNING"), await jobsWithStatus("QUEUED")];
    if (running.length > 0 && queued.length > 0) {
      await server.kill();
      const cutOff = runningInDatabase();
      if (cutOff.length > 0) return { running: cutOff };
      await server.restart();
    }
    if (Date.now() > deadline) throw new Error("the server never had running and queued jobs at once");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test("SIGKILL with jobs queued and running, twice: after restarts every job ends SUCCEEDED, none twice, none lost", async () => {
  const upload = await uploadImage(server.url, readFileSync(photo("chelsea.png")), "image/png");
  const submitted: JobView[] = [];
  for (let i = 0; i < 24; i++) {
    // Every third job is large enough (several hundred ms) that kills land mid-run.
    const input =
      i % 3 === 0
        ? { image: { id: upload.id }, target: { width: 3000 + i, height: 3000 }, infill: "TILE" }
        : { image: { id: upload.id }, extend: { right: 16 + i, bottom: 8 } };
    submitted.push(await createJob(server.graphqlUrl, input));
  }

  const interrupted = new Set<string>();
  for (let round = 0; round < 2; round++) {
    const { running } = await killWhileBusy();
    running.forEach((id) => interrupted.add(id));
    await server.restart();
  }

  const ended = await Promise.all(submitted.map((job) => waitForEnd(server.graphqlUrl, job.id)));
  assert.deepEqual(
    ended.filter((job) => job.status !== "SUCCEEDED").map((job) => [job.id, job.status, job.error]),
    [],
    "every job succeeded",
  );
  const total = await gqlData<{ jobs: { totalCount: number } }>(server.graphqlUrl, "{ jobs { totalCount } }");
  assert.equal(total.jobs.totalCount, submitted.length, "no job lost and none invented");

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
    assert.equal(job.attempts, runs, `job ${job.id}: ${job.attempts} attempts but ${runs} runs started`);
    if (interrupted.has(job.id)) assert.ok(job.attempts >= 2, `interrupted job ${job.id} was not run again`);
  }
  assert.equal(server.logged("recovered jobs interrupted by the previous shutdown").length, 2);
});
