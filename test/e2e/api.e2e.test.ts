import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { collect, gql, gqlData, uploadImage, wsClient } from "../helpers/graphql-client.js";
import { CREATE_JOB, createJob, download, getJob, JOB_FIELDS, JOB_UPDATED, waitForEnd, type JobView } from "../helpers/jobs.js";
import { photo } from "../helpers/paths.js";
import { decode, regionDifferences } from "../helpers/pixels.js";
import { ServerProcess } from "../helpers/server-process.js";

describe("the GraphQL API and its HTTP neighbours", () => {
  let server: ServerProcess;
  let imageId: string;
  let defaultTuneId: string;

  before(async () => {
    server = await ServerProcess.start({ JOB_CONCURRENCY: "1" });
    imageId = (await uploadImage(server.url, readFileSync(photo("chelsea.png")), "image/png")).id;
    const tunes = await gqlData<{ tunes: { nodes: { id: string; isDefault: boolean }[] } }>(server.graphqlUrl, "{ tunes { nodes { id isDefault } } }");
    defaultTuneId = tunes.tunes.nodes.find((tune) => tune.isDefault)!.id;
  });
  after(async () => {
    await server.dispose();
  });

  test("a default base tune exists after the first start; tunes can be created, paged and deleted", async () => {
    const created = await gqlData<{ createTune: { id: string; kind: string; backend: string; isDefault: boolean } }>(
      server.graphqlUrl,
      `mutation { createTune(input: { title: "Second CPU tune" }) { id kind backend isDefault } }`,
    );
    assert.deepEqual({ ...created.createTune, id: undefined }, { id: undefined, kind: "BASE", backend: "CPU_FILL", isDefault: false });

    const first = await gqlData<{ tunes: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string }; totalCount: number } }>(
      server.graphqlUrl,
      `{ tunes(first: 1) { nodes { id } pageInfo { hasNextPage endCursor } totalCount } }`,
    );
    assert.equal(first.tunes.totalCount, 2);
    assert.equal(first.tunes.nodes[0]!.id, defaultTuneId, "oldest first");
    assert.equal(first.tunes.pageInfo.hasNextPage, true);
    const second = await gqlData<{ tunes: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean } } }>(
      server.graphqlUrl,
      `query($after: String) { tunes(first: 1, after: $after) { nodes { id } pageInfo { hasNextPage } } }`,
      { after: first.tunes.pageInfo.endCursor },
    );
    assert.deepEqual(second.tunes.nodes, [{ id: created.createTune.id }]);
    assert.equal(second.tunes.pageInfo.hasNextPage, false);

    const refused = await gql(server.graphqlUrl, `mutation($id: ID!) { deleteTune(id: $id) }`, { id: defaultTuneId });
    assert.equal(refused.errors?.[0]?.extensions?.code, "CONFLICT");
    const lora = await gql(server.graphqlUrl, `mutation($base: ID!) { createTune(input: { title: "x", baseTuneId: $base }) { id } }`, { base: defaultTuneId });
    assert.equal(lora.errors?.[0]?.extensions?.field, "baseTuneId", "LoRAs need a FLUX base");
    assert.deepEqual(await gqlData(server.graphqlUrl, `mutation($id: ID!) { deleteTune(id: $id) }`, { id: created.createTune.id }), { deleteTune: true });
    assert.deepEqual(await gqlData(server.graphqlUrl, `query($id: ID!) { tune(id: $id) { id } }`, { id: created.createTune.id }), { tune: null });
    const missing = await gql(server.graphqlUrl, `mutation { deleteTune(id: "nope") }`);
    assert.equal(missing.errors?.[0]?.extensions?.code, "NOT_FOUND");
  });

  test("createPrompt with Astria flags queues numImages jobs with consecutive seeds; promptUpdated follows them to the end", async () => {
    const data = await gqlData<{ createPrompt: { id: string; status: string; params: Record<string, unknown>; jobs: { id: string }[] } }>(
      server.graphqlUrl,
      `mutation($tuneId: ID!, $input: PromptInput!) {
        createPrompt(tuneId: $tuneId, input: $input) {
          id status jobs { id } params { cleanText numImages seed outpaint { anchor width height prompt } }
        }
      }`,
      {
        tuneId: defaultTuneId,
        input: {
          text: 'a cat on a sofa --outpaint top-center --outpaint_width 600 --outpaint_height 420 --outpaint_prompt "a living room"',
          inputImage: { id: imageId },
          denoisingStrength: 0,
          numImages: 3,
          seed: 41,
        },
      },
    );
    const prompt = data.createPrompt;
    assert.equal(prompt.jobs.length, 3);
    assert.deepEqual(prompt.params, {
      cleanText: "a cat on a sofa",
      numImages: 3,
      seed: 41,
      outpaint: { anchor: "TOP_CENTER", width: 600, height: 420, prompt: "a living room" },
    });

    const client = wsClient(server.wsUrl);
    const messages = await collect<{ promptUpdated: { status: string; images: { url: string }[] } }>(
      client,
      `subscription($id: ID!) { promptUpdated(id: $id) { status images { url } } }`,
      { id: prompt.id },
    );
    await client.dispose();
    assert.ok(messages.every((message) => !message.errors), JSON.stringify(messages));
    const last = messages[messages.length - 1]!.data!.promptUpdated;
    assert.equal(last.status, "SUCCEEDED");
    assert.equal(last.images.length, 3);

    const jobs = await Promise.all(prompt.jobs.map((job) => gqlData<{ job: { seed: number; placement: { x: number; y: number } } }>(
      server.graphqlUrl,
      `query($id: ID!) { job(id: $id) { seed placement { x y } } }`,
      { id: job.id },
    )));
    assert.deepEqual(jobs.map((job) => job.job.seed), [41, 42, 43]);
    assert.deepEqual(jobs[0]!.job.placement, { x: 74, y: 0 }, "top-center: centred horizontally, at the top");
    const listed = await gqlData<{ prompts: { nodes: { id: string }[] } }>(server.graphqlUrl, `query($t: ID) { prompts(tuneId: $t) { nodes { id } } }`, { t: defaultTuneId });
    assert.equal(listed.prompts.nodes[0]!.id, prompt.id);
  });

  test("idempotency: the same key and input return the original job; a different input is refused", async () => {
    const input = { image: { id: imageId }, extend: { left: 24 } };
    const first = await createJob(server.graphqlUrl, input, "retry-me");
    const again = await createJob(server.graphqlUrl, input, "retry-me");
    assert.equal(again.id, first.id);
    const different = await gql(server.graphqlUrl, CREATE_JOB, { input: { ...input, extend: { left: 25 } }, key: "retry-me" });
    assert.equal(different.errors?.[0]?.extensions?.code, "CONFLICT");
    assert.equal(different.errors?.[0]?.extensions?.field, "idempotencyKey");
    await waitForEnd(server.graphqlUrl, first.id);
  });

  test("cancel: a queued job is cancelled at once, a running one stops, an ended one is a conflict", async () => {
    const running = await createJob(server.graphqlUrl, { image: { id: imageId }, target: { width: 8000, height: 8000 }, infill: "TILE" });
    const queued = await createJob(server.graphqlUrl, { image: { id: imageId }, extend: { right: 10 } });
    for (let job = await getJob(server.graphqlUrl, running.id); job.status !== "RUNNING"; job = await getJob(server.graphqlUrl, running.id)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const cancelQueued = await gqlData<{ cancelJob: JobView }>(server.graphqlUrl, `mutation($id: ID!) { cancelJob(id: $id) { ${JOB_FIELDS} } }`, { id: queued.id });
    assert.equal(cancelQueued.cancelJob.status, "CANCELLED");
    const cancelRunning = await gqlData<{ cancelJob: JobView }>(server.graphqlUrl, `mutation($id: ID!) { cancelJob(id: $id) { ${JOB_FIELDS} } }`, { id: running.id });
    assert.equal(cancelRunning.cancelJob.status, "CANCELLED");
    assert.equal(cancelRunning.cancelJob.result, null);
    const again = await gql(server.graphqlUrl, `mutation($id: ID!) { cancelJob(id: $id) { id } }`, { id: queued.id });
    assert.equal(again.errors?.[0]?.extensions?.code, "CONFLICT");
    const cancelled = await gqlData<{ jobs: { nodes: { id: string }[] } }>(server.graphqlUrl, `{ jobs(status: CANCELLED) { nodes { id } } }`);
    assert.deepEqual(cancelled.jobs.nodes.map((node) => node.id).sort(), [queued.id, running.id].sort());
  });

  test("cancelling a running content-aware fill stops it within one iteration and leaves the engine idle", async () => {
    const job = await createJob(server.graphqlUrl, { image: { id: imageId }, target: { width: 3000, height: 2400 } });
    const client = wsClient(server.wsUrl);
    let cancelledAt: number | null = null;
    let cancelled: Promise<JobView> | null = null;
    for await (const message of client.iterate<{ jobUpdated: JobView }>({ query: JOB_UPDATED, variables: { id: job.id } })) {
      const { progress, status } = message.data!.jobUpdated;
      // Cancel as the slow full-resolution iterations begin, so no quick coarse steps are in flight.
      if (status === "RUNNING" && cancelled === null && progress.totalSteps > 0 && progress.step >= progress.totalSteps - 4) {
        cancelledAt = progress.step;
        cancelled = gqlData<{ cancelJob: JobView }>(server.graphqlUrl, `mutation($id: ID!) { cancelJob(id: $id) { ${JOB_FIELDS} } }`, {
          id: job.id,
        }).then((data) => data.cancelJob);
      }
    }
    await client.dispose();
    assert.ok(cancelled, "the job was seen running");
    const ended = await cancelled;
    assert.equal(ended.status, "CANCELLED");
    assert.ok(ended.progress.step <= cancelledAt! + 1, `cancelled at step ${cancelledAt}, stopped at ${ended.progress.step}`);
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { engine: { running: number; queued: number } };
    assert.deepEqual([ready.engine.running, ready.engine.queued], [0, 0], "the addon runs nothing any more");
  });

  test("numImages on createOutpaintJob groups the jobs under a prompt", async () => {
    const job = await createJob(server.graphqlUrl, { image: { id: imageId }, extend: { bottom: 40 }, numImages: 2, seed: 7 });
    const data = await gqlData<{ job: { prompt: { jobs: { id: string; seed: number }[] } } }>(
      server.graphqlUrl,
      `query($id: ID!) { job(id: $id) { prompt { jobs { id seed } } } }`,
      { id: job.id },
    );
    assert.deepEqual(data.job.prompt.jobs.map((j) => j.seed), [7, 8]);
    assert.equal(data.job.prompt.jobs[0]!.id, job.id);
  });

  test("images: multipart upload, stored once by hash, served with and without extension", async () => {
    const bytes = readFileSync(photo("rocket.jpg"));
    const form = new FormData();
    form.append("file", new Blob([bytes], { type: "image/jpeg" }), "rocket.jpg");
    const response = await fetch(`${server.url}/v1/images`, { method: "POST", body: form });
    assert.equal(response.status, 201);
    const uploaded = (await response.json()) as { id: string; url: string; format: string; width: number; height: number; bytes: number };
    assert.deepEqual([uploaded.format, uploaded.width, uploaded.height, uploaded.bytes], ["JPEG", 640, 427, bytes.length]);
    assert.match(uploaded.url, /\.jpg\?exp=\d+&sig=[A-Za-z0-9_-]{22}$/);
    const again = await uploadImage(server.url, bytes, "image/jpeg");
    assert.equal(again.id, uploaded.id, "the same bytes are stored once");

    for (const path of [`/images/${uploaded.id}`, `/images/${uploaded.id}.jpg`, `/images/${uploaded.id}.jpeg`]) {
      const { bytes: served, contentType } = await download(`${server.url}${path}`);
      assert.equal(contentType, "image/jpeg", path);
      assert.ok(served.equals(bytes), path);
    }
    assert.equal((await fetch(`${server.url}/images/${uploaded.id}.png`)).status, 404);
    assert.equal((await fetch(`${server.url}/images/nope`)).status, 404);
    const image = await gqlData<{ image: { url: string; sha256: string } }>(server.graphqlUrl, `query($id: ID!) { image(id: $id) { url sha256 } }`, { id: uploaded.id });
    assert.equal(image.image.url, uploaded.url);
  });

  test("jobUpdated for an unknown job is a NOT_FOUND error; a finished job gives its final state and completes", async () => {
    const client = wsClient(server.wsUrl);
    const unknown = await collect(client, `subscription { jobUpdated(id: "nope") { id } }`, {});
    assert.equal(unknown.length, 1);
    assert.equal(unknown[0]!.errors?.[0]?.extensions?.code, "NOT_FOUND");
    const job = await createJob(server.graphqlUrl, { image: { id: imageId }, extend: { top: 4 } });
    const ended = await waitForEnd(server.graphqlUrl, job.id);
    const messages = await collect<{ jobUpdated: { status: string } }>(client, `subscription($id: ID!) { jobUpdated(id: $id) { status } }`, { id: job.id });
    assert.deepEqual(messages.map((message) => message.data?.jobUpdated.status), [ended.status]);
    await client.dispose();
    const result = await decode((await download(ended.result!.url)).bytes);
    assert.equal(regionDifferences(result, await decode(readFileSync(photo("chelsea.png"))), 0, 4), 0);
  });

  test("health, readiness and errors without internals", async () => {
    assert.deepEqual(await (await fetch(`${server.url}/healthz`)).json(), { status: "ok" });
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { status: string };
    assert.equal(ready.status, "ready");
    const invalid = await gql(server.graphqlUrl, `{ nope }`);
    assert.equal(invalid.errors?.[0]?.extensions?.code, "GRAPHQL_VALIDATION_FAILED");
  });
});
