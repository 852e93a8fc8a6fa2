import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { curl } from "../helpers/curl.js";
import { rowCount } from "../helpers/database.js";
import { gql, gqlData } from "../helpers/graphql-client.js";
import { createFluxTune } from "../helpers/jobs.js";
import { photo } from "../helpers/paths.js";
import { ServerProcess } from "../helpers/server-process.js";

// Astria's other two requests (text to image, then outpaint), tested on the CPU up to the GPU's
// boundary: refused at once where no FLUX tune can run them, planned and queued where one can.

const CLEAN_TEXT = "ohwx woman, dressed in cozy peach sweater, shoulders up, depth of field";

/** Astria's documented curl call: --form-string for text, so a leading < is not a file to read. */
async function astriaPrompt(server: ServerProcess, tune: string, fields: Record<string, string>, file?: string): Promise<{ status: number; body: any }> {
  const args = ["-X", "POST", `${server.url}/tunes/${tune}/prompts`];
  for (const [name, value] of Object.entries(fields)) args.push("--form-string", `prompt[${name}]=${value}`);
  if (file) args.push("-F", `prompt[input_image]=@${file}`);
  return curl(args);
}

const txt2img = (lora: string, anchor: string, prompt: string) => ({
  text: `<lora:${lora}:1.0> ${CLEAN_TEXT} --outpaint ${anchor} --outpaint_width 1792 --outpaint_height 1024 --outpaint_prompt "${prompt}"`,
  w: "1024",
  h: "1024",
  num_images: "1",
});

async function rowCounts(server: ServerProcess): Promise<number[]> {
  return [await rowCount(server.databaseUrl, "OutpaintJob"), await rowCount(server.databaseUrl, "Prompt"), await rowCount(server.databaseUrl, "Image")];
}

describe("text to image on a server that cannot run FLUX", () => {
  let server: ServerProcess;
  before(async () => {
    server = await ServerProcess.start();
  });
  after(async () => {
    await server.dispose();
  });

  test("Astria's txt2img + outpaint requests are refused at once, naming the FLUX tune they need and what is missing; nothing is written", async () => {
    const before = await rowCounts(server);
    for (const [anchor, prompt] of [["top-center", "fields"], ["left-center", "president Trump the middle of the field"]] as const) {
      const { status, body } = await astriaPrompt(server, "1504944", txt2img("1533312", anchor, prompt));
      assert.equal(status, 503, JSON.stringify(body));
      assert.equal(body.error.code, "BACKEND_UNAVAILABLE");
      assert.match(body.error.message, /Generating the image from the prompt's text \(it has no input image\) before outpainting runs on FLUX_FILL_TRT/);
      assert.match(body.error.message, /runs on CPU_FILL, which only outpaints/);
      assert.match(body.error.message, /this server has no FLUX tune \(createTune with backend FLUX_FILL_TRT, docs\/gpu\.md\)/);
      assert.match(body.error.message, /TensorRT/, "says what this machine lacks");
    }
    assert.deepEqual(await rowCounts(server), before);
  });

  test("image to image (denoising_strength above 0) on the CPU tune is refused the same way", async () => {
    const before = await rowCounts(server);
    const { status, body } = await astriaPrompt(server, "1504944", { text: "--outpaint center --outpaint_width 900", denoising_strength: "0.5" }, photo("chelsea.png"));
    assert.equal(status, 503, JSON.stringify(body));
    assert.match(body.error.message, /Redoing the input image at denoising strength 0.5 before outpainting/);
    assert.deepEqual(await rowCounts(server), before);
  });

  test("once a FLUX tune exists, 1504944 names it, and the refusal is that tune's: which tune, and what stops it here", async () => {
    const fluxId = await createFluxTune(server.graphqlUrl);
    const { tunes } = await gqlData<{ tunes: { nodes: { id: string; aliases: string[] }[] } }>(server.graphqlUrl, "{ tunes { nodes { id aliases } } }");
    assert.deepEqual(tunes.nodes.find((tune) => tune.id === fluxId)?.aliases, ["1504944", "runware:102@1", "runware:101@1"]);
    const { status, body } = await astriaPrompt(server, "1504944", txt2img("1533312", "top-center", "fields"));
    assert.equal(status, 503);
    assert.match(body.error.message, new RegExp(`Tune ${fluxId} runs on FLUX_FILL_TRT, which is unavailable on this server`));
  });
});

describe("text to image on an API node, whose GPU workers run FLUX", () => {
  let api: ServerProcess;
  let fluxId = "";
  let loraId = "";
  before(async () => {
    const redisUrl = process.env.TEST_REDIS_URL;
    assert.ok(redisUrl, "TEST_REDIS_URL is set (npm test starts Redis with test/setup/services.sh)");
    // An API-only node accepts every backend's jobs: the workers that run them say whether they can.
    api = await ServerProcess.start({ ROLE: "serve", REDIS_URL: redisUrl, QUEUE_PREFIX: `test-${randomBytes(4).toString("hex")}` });
    fluxId = await createFluxTune(api.graphqlUrl);
    loraId = (await gqlData<{ createTune: { id: string } }>(api.graphqlUrl, `mutation($base: ID!) { createTune(input: { title: "ohwx", kind: LORA, baseTuneId: $base }) { id } }`, { base: fluxId })).createTune.id;
  });
  after(async () => {
    await api.dispose();
  });

  const JOB = `id status stage width height input { id } generate { stage width height prompt strength guidance } promptText
    placement { x y width height } passes { number width height top right bottom left } generator generated { id }`;

  test("both txt2img requests are accepted and planned: the 1024x1024 image from the text, then the outpaint to 1792x1024 with --outpaint_prompt", async () => {
    for (const [anchor, prompt, x, passes] of [
      ["top-center", "fields", 384, 1],
      ["left-center", "president Trump the middle of the field", 0, 2],
    ] as const) {
      const created = await astriaPrompt(api, "1504944", txt2img(loraId, anchor, prompt));
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.tune_id, fluxId, "1504944 names the FLUX tune");
      const { prompt: record } = await gqlData<{ prompt: { params: { w: number; h: number }; jobs: any[] } }>(
        api.graphqlUrl,
        `query($id: ID!) { prompt(id: $id) { params { w h } jobs { ${JOB} } } }`,
        { id: created.body.id },
      );
      assert.deepEqual(record.params, { w: 1024, h: 1024 });
      const [job] = record.jobs;
      assert.equal(job.status, "QUEUED", "waits for a GPU worker");
      assert.deepEqual([job.width, job.height, job.input], [1792, 1024, null]);
      assert.deepEqual(job.generate, { stage: "TXT2IMG", width: 1024, height: 1024, prompt: CLEAN_TEXT, strength: 1, guidance: null });
      assert.equal(job.promptText, prompt);
      assert.deepEqual(job.placement, { x, y: 0, width: 1024, height: 1024 });
      // FLUX's passes add at most 512 px to a side (MAX_EXTEND_PER_PASS): 384 + 384 is one pass, 768 on one side two.
      assert.equal(job.passes.length, passes);
      assert.deepEqual([job.generator, job.generated], [null, null], "nothing has run yet");
      const cancelled = await gqlData<{ cancelJob: { status: string } }>(api.graphqlUrl, `mutation($id: ID!) { cancelJob(id: $id) { status } }`, { id: job.id });
      assert.equal(cancelled.cancelJob.status, "CANCELLED");
    }
  });

  test("the outpaint-only request runs on the FLUX tune as it is, and image to image plans an IMG2IMG stage", async () => {
    const only = await astriaPrompt(api, "1504944", { text: "--outpaint top-center --outpaint_width 864 --outpaint_height 1296", denoising_strength: "0" }, photo("astronaut.png"));
    assert.equal(only.status, 201, JSON.stringify(only.body));
    const redo = await astriaPrompt(api, fluxId, { text: `${CLEAN_TEXT} --outpaint center --outpaint_width 900`, denoising_strength: "0.6" }, photo("chelsea.png"));
    assert.equal(redo.status, 201, JSON.stringify(redo.body));
    const jobsOf = async (id: string) =>
      (await gqlData<{ prompt: { jobs: any[] } }>(api.graphqlUrl, `query($id: ID!) { prompt(id: $id) { jobs { ${JOB} } } }`, { id })).prompt.jobs[0];
    const plain = await jobsOf(only.body.id);
    assert.deepEqual([plain.generate, plain.width, plain.height], [null, 864, 1296]);
    const img2img = await jobsOf(redo.body.id);
    assert.deepEqual(img2img.generate, { stage: "IMG2IMG", width: 451, height: 300, prompt: CLEAN_TEXT, strength: 0.6, guidance: null });
    assert.ok(img2img.input?.id, "the input image is the job's input");
  });

  test("a LoRA tag naming no LoRA tune of the FLUX tune is refused naming the text", async () => {
    const refused = await gql(api.graphqlUrl, `mutation($tune: ID!, $input: PromptInput!) { createPrompt(tuneId: $tune, input: $input) { id } }`, {
      tune: fluxId,
      input: { text: txt2img("1533312", "top-center", "fields").text, w: 1024, h: 1024 },
    });
    assert.equal(refused.errors?.[0]?.extensions?.field, "text");
  });
});
