import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { collect, uploadImage, wsClient, type GraphQLResponse } from "../helpers/graphql-client.js";
import { createJob, download, JOB_UPDATED, waitForEnd, type JobView } from "../helpers/jobs.js";
import { photo } from "../helpers/paths.js";
import { decode, regionDifferences, type Pixels } from "../helpers/pixels.js";
import { ServerProcess } from "../helpers/server-process.js";

const STATUS_ORDER = ["QUEUED", "RUNNING", "SUCCEEDED"];

/** Downloads a job's result and checks its size and that the original sits at the placement unchanged. */
async function assertExactResult(job: JobView, original: Pixels, expected: { width: number; height: number; x: number; y: number }) {
  assert.equal(job.status, "SUCCEEDED", JSON.stringify(job.error));
  assert.ok(job.result);
  assert.deepEqual({ width: job.width, height: job.height }, { width: expected.width, height: expected.height });
  assert.deepEqual(job.placement, { x: expected.x, y: expected.y, width: original.width, height: original.height });
  const { bytes, contentType } = await download(job.result.url);
  assert.equal(contentType, job.result.format === "WEBP" ? "image/webp" : "image/png");
  const result = await decode(bytes);
  assert.deepEqual({ width: result.width, height: result.height }, { width: expected.width, height: expected.height });
  assert.equal(regionDifferences(result, original, expected.x, expected.y), 0, "original pixels changed");
}

describe("outpainting end to end over real HTTP and WebSocket", () => {
  let server: ServerProcess;
  before(async () => {
    server = await ServerProcess.start({ JOB_CONCURRENCY: "1" });
  });
  after(async () => {
    await server.dispose();
  });

  test("extend: upload a photo, follow ordered progress to SUCCEEDED, download an exact result", async () => {
    const bytes = readFileSync(photo("chelsea.png"));
    const upload = await uploadImage(server.url, bytes, "image/png");
    assert.deepEqual([upload.width, upload.height, upload.format], [451, 300, "PNG"]);
    const original = await decode(bytes);

    // A large job first keeps the single worker busy, so the job under test is followed from QUEUED on.
    const blocker = await createJob(server.graphqlUrl, { image: { id: upload.id }, target: { width: 6000, height: 6000 }, infill: "TILE" });
    const job = await createJob(server.graphqlUrl, {
      image: { id: upload.id },
      extend: { top: 32, right: 64, bottom: 16, left: 48 },
    });
    assert.equal(job.status, "QUEUED");

    const client = wsClient(server.wsUrl);
    const messages: GraphQLResponse<{ jobUpdated: JobView }>[] = await collect(client, JOB_UPDATED, { id: job.id });
    await client.dispose();

    assert.ok(messages.every((message) => !message.errors), JSON.stringify(messages.find((m) => m.errors)));
    const events = messages.map((message) => message.data!.jobUpdated);
    assert.equal(events[0]!.status, "QUEUED", "the first message is the current state");
    const last = events[events.length - 1]!;
    assert.equal(last.status, "SUCCEEDED");
    assert.equal(last.progress.percent, 100);
    assert.equal(last.progress.step, last.progress.totalSteps);

    const progressEvents = events.filter((event) => event.status === "RUNNING" && event.progress.step > 0);
    assert.ok(progressEvents.length >= 3, `expected several progress events, got ${progressEvents.length}`);
    assert.ok(progressEvents.some((event) => event.stage === "INFILL"));
    for (let i = 1; i < events.length; i++) {
      const [before, now] = [events[i - 1]!, events[i]!];
      assert.ok(STATUS_ORDER.indexOf(now.status) >= STATUS_ORDER.indexOf(before.status), `status went ${before.status} -> ${now.status}`);
      assert.ok(now.progress.step >= before.progress.step || now.status !== before.status, "steps go forward");
      assert.ok(now.progress.percent >= before.progress.percent || now.status !== before.status, "percent goes forward");
    }

    await assertExactResult(last, original, { width: 451 + 48 + 64, height: 300 + 32 + 16, x: 48, y: 32 });
    assert.equal((await waitForEnd(server.graphqlUrl, blocker.id)).status, "SUCCEEDED");
  });

  test("target: each of the nine anchors places the original where it says", async () => {
    const bytes = readFileSync(photo("coffee.png"));
    const original = await decode(bytes);
    const { width, height } = original; // 600 x 400
    const [W, H] = [width + 81, height + 47]; // odd margins: centring rounds toward the top-left
    const dx = W - width;
    const dy = H - height;
    const expectedOffsets: Record<string, [number, number]> = {
      TOP_LEFT: [0, 0],
      TOP_CENTER: [40, 0],
      TOP_RIGHT: [dx, 0],
      LEFT_CENTER: [0, 23],
      CENTER: [40, 23],
      RIGHT_CENTER: [dx, 23],
      BOTTOM_LEFT: [0, dy],
      BOTTOM_CENTER: [40, dy],
      BOTTOM_RIGHT: [dx, dy],
    };
    const base64 = bytes.toString("base64");
    const jobs = await Promise.all(
      Object.keys(expectedOffsets).map(async (anchor) => ({
        anchor,
        job: await createJob(server.graphqlUrl, { image: { base64 }, target: { width: W, height: H, anchor }, infill: "EDGE" }),
      })),
    );
    for (const { anchor, job } of jobs) {
      const [x, y] = expectedOffsets[anchor]!;
      await assertExactResult(await waitForEnd(server.graphqlUrl, job.id), original, { width: W, height: H, x, y });
    }
  });

  test("preset: zoom-out and aspect presets give the documented canvas with the original centred (JPEG input)", async () => {
    const bytes = readFileSync(photo("rocket.jpg"));
    const original = await decode(bytes); // 640 x 427
    assert.deepEqual([original.width, original.height], [640, 427]);
    const dataUri = `data:image/jpeg;base64,${bytes.toString("base64")}`;
    // Worked out by hand from the preset definitions: sizes round up, the free space is split
    // with the smaller half on the left/top.
    const expected: Record<string, { width: number; height: number; x: number; y: number }> = {
      ZOOM_OUT_1_5X: { width: 960, height: 641, x: 160, y: 107 },
      ZOOM_OUT_2X: { width: 1280, height: 854, x: 320, y: 213 },
      MAKE_SQUARE: { width: 640, height: 640, x: 0, y: 106 },
      ASPECT_16_9: { width: 760, height: 427, x: 60, y: 0 },
      ASPECT_9_16: { width: 640, height: 1138, x: 0, y: 355 },
      ASPECT_4_3: { width: 640, height: 480, x: 0, y: 26 },
      ASPECT_3_4: { width: 640, height: 854, x: 0, y: 213 },
    };
    for (const [preset, geometry] of Object.entries(expected)) {
      const job = await createJob(server.graphqlUrl, { image: { dataUri }, preset, infill: "COLOR", outputFormat: "WEBP" });
      await assertExactResult(await waitForEnd(server.graphqlUrl, job.id), original, geometry);
    }
  });
});
