import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { gql, gqlData, uploadImage } from "../helpers/graphql-client.js";
import { createJob, waitForEnd } from "../helpers/jobs.js";
import { photo } from "../helpers/paths.js";
import { ServerProcess } from "../helpers/server-process.js";

// A server without TensorRT, a GPU or engines (CI, this machine): FLUX.1 Fill tunes exist and
// can be chosen, but their jobs are refused at once with BACKEND_UNAVAILABLE saying what is
// missing, and nothing else is affected.

describe("the FLUX_FILL_TRT backend where it cannot run", () => {
  let server: ServerProcess;
  let imageId: string;
  let fluxTuneId: string;

  before(async () => {
    server = await ServerProcess.start({ JOB_CONCURRENCY: "1" });
    imageId = (await uploadImage(server.url, readFileSync(photo("chelsea.png")), "image/png")).id;
    const created = await gqlData<{ createTune: { id: string; backend: string } }>(
      server.graphqlUrl,
      `mutation { createTune(input: { title: "FLUX.1 Fill [dev]", backend: FLUX_FILL_TRT }) { id backend } }`,
    );
    assert.equal(created.createTune.backend, "FLUX_FILL_TRT");
    fluxTuneId = created.createTune.id;
  });
  after(async () => {
    await server.dispose();
  });

  test("a job on the FLUX tune fails fast with BACKEND_UNAVAILABLE naming what is missing", async () => {
    const response = await gql(
      server.graphqlUrl,
      `mutation($input: OutpaintInput!) { createOutpaintJob(input: $input) { id } }`,
      { input: { image: { id: imageId }, extend: { right: 64 }, tuneId: fluxTuneId, prompt: "a cat on a sofa" } },
    );
    const error = response.errors?.[0];
    assert.equal(error?.extensions?.code, "BACKEND_UNAVAILABLE", JSON.stringify(response));
    assert.equal(error?.extensions?.field, "tuneId");
    assert.equal(error?.extensions?.backend, "FLUX_FILL_TRT");
    assert.match(error!.message, new RegExp(`Tune ${fluxTuneId} runs on FLUX_FILL_TRT, which is unavailable on this server`));
    assert.match(error!.message, /TensorRT/, "names the missing TensorRT support");
    assert.ok((error?.extensions?.missing as string[]).length >= 1);
    const jobs = await gqlData<{ jobs: { totalCount: number } }>(server.graphqlUrl, "{ jobs { totalCount } }");
    assert.equal(jobs.jobs.totalCount, 0, "nothing was queued");
  });

  test("tunes say whether they can run here, and why not", async () => {
    const { tunes } = await gqlData<{ tunes: { nodes: { id: string; backend: string; unavailableBecause: string[] }[] } }>(
      server.graphqlUrl,
      "{ tunes { nodes { id backend unavailableBecause } } }",
    );
    const flux = tunes.nodes.find((tune) => tune.id === fluxTuneId)!;
    assert.ok(flux.unavailableBecause.some((reason) => /TensorRT/.test(reason)), JSON.stringify(flux));
    assert.ok(flux.unavailableBecause.some((reason) => /flux1-fill-dev/.test(reason)), "names the model directory it looked for");
    assert.deepEqual(tunes.nodes.find((tune) => tune.backend === "CPU_FILL")!.unavailableBecause, []);
  });

  test("the Astria REST form answers 503 with the same code", async () => {
    const res = await fetch(`${server.url}/tunes/${fluxTuneId}/prompts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: { text: "a cat --outpaint right-center --outpaint_width 720", input_image_url: `${server.url}/images/${imageId}` } }),
    });
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(res.status, 503, JSON.stringify(body));
    assert.equal(body.error.code, "BACKEND_UNAVAILABLE");
  });

  test("nothing else is affected: CPU jobs run, and the server is ready", async () => {
    const job = await createJob(server.graphqlUrl, { image: { id: imageId }, extend: { right: 32 }, infill: "EDGE" });
    const ended = await waitForEnd(server.graphqlUrl, job.id);
    assert.equal(ended.status, "SUCCEEDED");
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
  });
});
