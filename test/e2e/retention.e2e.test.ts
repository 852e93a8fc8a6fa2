import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { gqlData, uploadImage } from "../helpers/graphql-client.js";
import { createJob, getJob, waitForEnd } from "../helpers/jobs.js";
import { photo } from "../helpers/paths.js";
import { ServerProcess } from "../helpers/server-process.js";

let server: ServerProcess;
before(async () => {
  server = await ServerProcess.start({ RETENTION: "3s" });
});
after(async () => {
  await server.dispose();
});

const files = () => readdirSync(join(server.dataDir, "images"), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

test("after the retention period, ended jobs and their images are deleted, files included; newer work stays", async () => {
  const old = await uploadImage(server.url, readFileSync(photo("chelsea.png")), "image/png");
  const oldJob = await waitForEnd(server.graphqlUrl, (await createJob(server.graphqlUrl, { image: { id: old.id }, extend: { right: 40 }, infill: "EDGE" })).id);
  assert.equal(files(), 2, "input and result are stored");

  await new Promise((resolve) => setTimeout(resolve, 3500));
  const fresh = await uploadImage(server.url, readFileSync(photo("coffee.png")), "image/png");
  await server.stop();
  await server.restart(); // housekeeping runs at start (and hourly), beside serving requests
  for (let until = Date.now() + 10_000; server.logged("maintenance deleted expired data").length === 0; ) {
    assert.ok(Date.now() < until, "housekeeping never reported");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  assert.equal(await getJob(server.graphqlUrl, oldJob.id), null, "the old job is gone");
  assert.equal((await fetch(oldJob.result!.url)).status, 404, "its result is gone");
  assert.equal((await fetch(old.url)).status, 404, "its input is gone");
  assert.equal((await fetch(fresh.url)).status, 200, "a newer upload stays");
  assert.equal(files(), 1, "only the newer upload's file is left");
  const jobs = await gqlData<{ jobs: { totalCount: number } }>(server.graphqlUrl, "{ jobs { totalCount } }");
  assert.equal(jobs.jobs.totalCount, 0);
  assert.ok(server.logged("maintenance deleted expired data").length >= 1);
});
