import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { uploadImage } from "../helpers/graphql-client.js";
import { handBackARunningJob, waitForEnd } from "../helpers/jobs.js";
import { photo } from "../helpers/paths.js";
import { ServerProcess } from "../helpers/server-process.js";

// SIGTERM: intake stops, running jobs get SHUTDOWN_GRACE to finish, the rest are handed back to
// the queue (not failed, not counted as a crash) and the next process runs them.

let server: ServerProcess;
before(async () => {
  server = await ServerProcess.start({ JOB_CONCURRENCY: "1", SHUTDOWN_GRACE: "0" });
});
after(async () => {
  await server.dispose();
});

test("a job still running at SIGTERM past the grace period is handed back, and the next start finishes it", async () => {
  const upload = await uploadImage(server.url, readFileSync(photo("chelsea.png")), "image/png");
  const job = await handBackARunningJob(server, server.graphqlUrl, { image: { id: upload.id }, target: { width: 2000, height: 2000 } });
  assert.equal(server.logged("job succeeded").filter((line) => line.jobId === job.id).length, 0);

  await server.restart();
  const ended = await waitForEnd(server.graphqlUrl, job.id);
  assert.equal(ended.status, "SUCCEEDED");
  assert.equal(server.logged("recovered jobs interrupted by the previous shutdown").length, 0, "a hand-back is no crash to recover from");
  assert.equal(ended.attempts, 1, "the handed-back run does not count as an attempt");
});
