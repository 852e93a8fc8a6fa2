import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { execute } from "../helpers/database.js";
import { gqlData, uploadImage } from "../helpers/graphql-client.js";
import { createJob, getJob, waitForEnd } from "../helpers/jobs.js";
import { photo } from "../helpers/paths.js";
import { ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

// Ages are set in the database and on files, not waited for: the test holds the clock, so how
// long a restart takes on a busy machine changes nothing.

let server: ServerProcess;
before(async () => {
  server = await ServerProcess.start({ RETENTION: "1d" });
});
after(async () => {
  await server.dispose();
});

const imagesDir = () => join(server.dataDir, "images");
const files = () => readdirSync(imagesDir(), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && !e.name.endsWith(".tmp")).length;
const LONG_AGO = "2020-01-01T00:00:00.000+00:00";

test("after the retention period, ended jobs and their images are deleted, files included; newer work stays; crashed writes are swept", async () => {
  const old = await uploadImage(server.url, readFileSync(photo("chelsea.png")), "image/png");
  const oldJob = await waitForEnd(server.graphqlUrl, (await createJob(server.graphqlUrl, { image: { id: old.id }, extend: { right: 40 }, infill: "EDGE" })).id);
  const fresh = await uploadImage(server.url, readFileSync(photo("coffee.png")), "image/png");
  assert.equal(files(), 3, "input, result and the newer upload are stored");

  // Two temporary files as a SIGKILL mid-write leaves them: one from long ago, one from now
  // (as if another process sharing the directory were writing it at this moment).
  const shard = join(imagesDir(), "ab");
  mkdirSync(shard, { recursive: true });
  const crashed = join(shard, "ab00.png.0123456789ab.tmp");
  const writing = join(shard, "ab01.png.ba9876543210.tmp");
  writeFileSync(crashed, "half an image");
  writeFileSync(writing, "half an image");
  utimesSync(crashed, new Date(LONG_AGO), new Date(LONG_AGO));

  await server.stop();
  const ids = [old.id, oldJob.result!.id].map((id) => `'${id}'`).join(", ");
  await execute(server.databaseUrl, `UPDATE "OutpaintJob" SET "createdAt" = '${LONG_AGO}', "finishedAt" = '${LONG_AGO}' WHERE id = '${oldJob.id}'`);
  await execute(server.databaseUrl, `UPDATE "Image" SET "createdAt" = '${LONG_AGO}' WHERE id IN (${ids})`);
  await server.restart(); // housekeeping runs at start (and hourly), beside serving requests
  const report = await waitFor("housekeeping's report", () => server.logged("maintenance deleted expired data")[0]);

  assert.equal(await getJob(server.graphqlUrl, oldJob.id), null, "the old job is gone");
  assert.equal((await fetch(oldJob.result!.url)).status, 404, "its result is gone");
  assert.equal((await fetch(old.url)).status, 404, "its input is gone");
  assert.equal((await fetch(fresh.url)).status, 200, "a newer upload stays");
  assert.equal(files(), 1, "only the newer upload's file is left");
  const jobs = await gqlData<{ jobs: { totalCount: number } }>(server.graphqlUrl, "{ jobs { totalCount } }");
  assert.equal(jobs.jobs.totalCount, 0);
  assert.deepEqual([existsSync(crashed), existsSync(writing)], [false, true], "the stale temporary file is swept, the live one kept");
  assert.deepEqual([report.jobs, report.images, report.temporaryFiles], [1, 2, 1], "the report counts the old job, its two images and the stale file");
});
