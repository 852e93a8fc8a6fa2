import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { collect, uploadImage, wsClient, type GraphQLResponse } from "../helpers/graphql-client.js";
import { createJob, download, JOB_UPDATED, type JobView } from "../helpers/jobs.js";
import { photo } from "../helpers/paths.js";
import { crop, decode, regionDifferences } from "../helpers/pixels.js";
import { ServerProcess } from "../helpers/server-process.js";

describe("multi-stage outpainting: an extension beyond the per-pass limit runs in visible passes", () => {
  let server: ServerProcess;
  before(async () => {
    server = await ServerProcess.start({ JOB_CONCURRENCY: "1", CPU_MAX_EXTEND_PER_PASS: "128" });
  });
  after(async () => {
    await server.dispose();
  });

  test("300 px right and 40 px top with a 128 px limit: three passes, each previewed, original intact", async () => {
    const bytes = readFileSync(photo("chelsea.png"));
    const original = await decode(bytes); // 451 x 300
    const upload = await uploadImage(server.url, bytes, "image/png");
    const blur = 24;
    const job = await createJob(server.graphqlUrl, { image: { id: upload.id }, extend: { top: 40, right: 300 }, blur, seed: 7 });
    assert.deepEqual(job.passes, [
      { number: 1, width: 551, height: 340, top: 40, right: 100, bottom: 0, left: 0 },
      { number: 2, width: 651, height: 340, top: 0, right: 100, bottom: 0, left: 0 },
      { number: 3, width: 751, height: 340, top: 0, right: 100, bottom: 0, left: 0 },
    ]);
    assert.deepEqual([job.width, job.height, job.progress.passCount], [751, 340, 3]);

    const client = wsClient(server.wsUrl);
    const messages: GraphQLResponse<{ jobUpdated: JobView }>[] = await collect(client, JOB_UPDATED, { id: job.id });
    await client.dispose();
    assert.ok(messages.every((message) => !message.errors), JSON.stringify(messages.find((m) => m.errors)));
    const events = messages.map((message) => message.data!.jobUpdated);
    const last = events[events.length - 1]!;
    assert.equal(last.status, "SUCCEEDED", JSON.stringify(last.error));

    const running = events.filter((event) => event.status === "RUNNING");
    const passesSeen = [...new Set(running.map((event) => event.progress.pass))];
    assert.deepEqual(passesSeen, [1, 2, 3], "every pass is reported, in order");
    for (let i = 1; i < events.length; i++) {
      assert.ok(events[i]!.progress.percent >= events[i - 1]!.progress.percent, "percent never goes back");
      assert.ok(events[i]!.progress.step >= events[i - 1]!.progress.step, "steps never go back");
    }
    // Each finished pass but the last becomes the preview, at that pass's canvas size.
    const previewSizes = [...new Set(running.flatMap((event) => (event.preview ? [`${event.preview.width}x${event.preview.height}`] : [])))];
    assert.deepEqual(previewSizes, ["551x340", "651x340"]);
    const preview = await decode((await download(last.preview!.url)).bytes);
    assert.deepEqual([preview.width, preview.height], [651, 340]);

    const result = await decode((await download(last.result!.url)).bytes);
    assert.deepEqual([result.width, result.height], [751, 340]);
    // The feather reaches `blur` px into the original at the two seams (top, right); the rest is bit-exact.
    const inner = crop(original, 0, blur, original.width - blur, original.height - blur);
    assert.equal(regionDifferences(result, inner, 0, 40 + blur), 0, "original pixels outside the feather band changed");
    // Later passes keep what earlier ones made outside their own feather band, exactly.
    assert.equal(regionDifferences(crop(result, 0, 0, 551 - blur, 340), crop(preview, 0, 0, 551 - blur, 340), 0, 0), 0);
  });
});
