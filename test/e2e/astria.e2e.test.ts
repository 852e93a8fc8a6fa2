import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { curl } from "../helpers/curl.js";
import { gqlData } from "../helpers/graphql-client.js";
import { download } from "../helpers/jobs.js";
import { photo } from "../helpers/paths.js";
import { decode, regionDifferences } from "../helpers/pixels.js";
import { ServerProcess } from "../helpers/server-process.js";
import { WebhookReceiver } from "../helpers/webhook-receiver.js";
import { waitFor } from "../helpers/wait.js";


interface AstriaPrompt {
  tune_id: string;
  id: string;
  text: string;
  images: string[];
  trained_at: string | null;
  input_image: string | null;
  callback: string | null;
}

describe("Astria's prompt API, driven with curl as in Astria's outpainting docs", () => {
  let server: ServerProcess;
  let photos: Server;
  let photosUrl: string;
  let receiver: WebhookReceiver;
  let tuneId: string;

  before(async () => {
    // The input image is served over HTTP, as input_image_url expects.
    photos = createServer((req, res) => res.writeHead(200, { "content-type": "image/png" }).end(readFileSync(photo("astronaut.png"))));
    await new Promise<void>((resolve) => photos.listen(0, "127.0.0.1", resolve));
    photosUrl = `http://127.0.0.1:${(photos.address() as AddressInfo).port}/qg202t8sqfn1olewuzdujgaq29si`;
    receiver = new WebhookReceiver(() => 200);
    await receiver.start();
    server = await ServerProcess.start({ URL_FETCH_ALLOW: "127.0.0.1" });
    tuneId = (await gqlData<{ tunes: { nodes: { id: string }[] } }>(server.graphqlUrl, "{ tunes { nodes { id } } }")).tunes.nodes[0]!.id;
  });
  after(async () => {
    await receiver.stop();
    photos.close();
    await server.dispose();
  });

  test("outpaint only: the documented curl call, then polling the prompt until its images are ready", async () => {
    // Astria's examples hard-code 1504944 (its gallery's Flux1.dev): here it names the default base tune.
    const created = await curl([
      "-X", "POST", "-H", "Authorization: Bearer test-key", `${server.url}/tunes/1504944/prompts`,
      "-F", "prompt[text]=--outpaint top-center --outpaint_width 864 --outpaint_height 1296",
      "-F", "prompt[denoising_strength]=0",
      "-F", `prompt[input_image_url]=${photosUrl}`,
      "-F", `prompt[callback]=${receiver.url}?prompt_id=1`,
    ]);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const prompt = created.body as AstriaPrompt;
    assert.equal(prompt.text, "--outpaint top-center --outpaint_width 864 --outpaint_height 1296");

    const current = await waitFor("the prompt's images", async () => {
      const polled = (await curl(["-H", "Authorization: Bearer test-key", `${server.url}/tunes/1504944/prompts/${prompt.id}`])).body as AstriaPrompt;
      return polled.images.length > 0 && polled;
    }, 200);
    assert.ok(current.trained_at);
    assert.equal(current.tune_id, tuneId);
    const result = await decode((await download(current.images[0]!)).bytes);
    assert.deepEqual([result.width, result.height], [864, 1296]);
    // top-center: centred horizontally, at the top; the original is untouched.
    assert.equal(regionDifferences(result, await decode(readFileSync(photo("astronaut.png"))), 176, 0), 0);

    // The callback gets the prompt JSON, as Astria sends it.
    await waitFor("the callback", () => receiver.received.length > 0);
    const callback = JSON.parse(receiver.received[0]!.body) as AstriaPrompt;
    assert.equal(callback.id, prompt.id);
    // The same images; their signed links may carry different expiries (issued at different times).
    const withoutQuery = (urls: string[]) => urls.map((url) => url.replace(/\?.*$/, ""));
    assert.deepEqual(withoutQuery(callback.images), withoutQuery(current.images));
  });

  test("urlencoded fields and an uploaded input_image work too", async () => {
    const encoded = await curl([
      "-X", "POST", `${server.url}/tunes/${tuneId}/prompts`,
      "--data-urlencode", "prompt[text]=--outpaint left-center --outpaint_width 700",
      "--data-urlencode", `prompt[input_image_url]=${photosUrl}`,
      "--data-urlencode", "prompt[num_images]=2",
      "--data-urlencode", "prompt[seed]=",
    ]);
    assert.equal(encoded.status, 201, JSON.stringify(encoded.body));
    const uploaded = await curl([
      "-X", "POST", `${server.url}/tunes/${tuneId}/prompts`,
      "-F", "prompt[text]=--outpaint bottom-right --outpaint_width 600 --outpaint_height 600",
      "-F", `prompt[input_image]=@${photo("astronaut.png")}`,
    ]);
    assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
    assert.match((uploaded.body as AstriaPrompt).input_image ?? "", /\/images\/.+\.png\?exp=\d+&sig=[A-Za-z0-9_-]+$/);
  });

  test("the prompt blocks of Astria's outpainting docs, field by field", async () => {
    const common = "num_images=1\nnegative_prompt=\nseed=\nsteps=\ncfg_scale=\ncontrolnet=\nmask_image_url=\ncontrolnet_conditioning_scale=\ncontrolnet_txt2img=false\ninpaint_faces=false\nface_correct=false\nfilm_grain=false\nface_swap=false\nhires_fix=false\nbackend_version=0\nar=1:1\nscheduler=euler_a\ncolor_grading=";
    const lora = "<lora:1533312:1.0> ohwx woman, dressed in cozy peach sweater, shoulders up, depth of field";
    const blocks: { text: string; fields: string; status: number; field?: string }[] = [
      {
        text: "--outpaint top-center --outpaint_width 864 --outpaint_height 1296",
        fields: `${common}\ninput_image_url=${photosUrl}\ndenoising_strength=0\nsuper_resolution=true\nuse_lpw=true\nw=576\nh=864`,
        status: 201,
      },
      // txt2img first needs a FLUX tune: the CPU tune refuses them, naming what it cannot do (txt2img.e2e.test.ts plans them where FLUX runs).
      {
        text: `${lora} --outpaint top-center --outpaint_width 1792 --outpaint_height 1024 --outpaint_prompt "fields"`,
        fields: `${common}\ninput_image_url=\ndenoising_strength=\nsuper_resolution=false\nuse_lpw=false\nw=1024\nh=1024`,
        status: 503,
        field: "prompt[input_image]",
      },
      {
        text: `${lora} --outpaint left-center --outpaint_width 1792 --outpaint_height 1024 --outpaint_prompt "president Trump the middle of the field"`,
        fields: `${common}\ninput_image_url=\ndenoising_strength=\nsuper_resolution=false\nuse_lpw=false\nw=1024\nh=1024`,
        status: 503,
        field: "prompt[input_image]",
      },
    ];
    for (const block of blocks) {
      const args = [`prompt[text]=${block.text}`, ...block.fields.split("\n").map((line) => `prompt[${line.replace("=", "]=")}`)]
        .flatMap((field) => ["--form-string", field]);
      const answer = await curl(["-X", "POST", `${server.url}/tunes/${tuneId}/prompts`, ...args]);
      assert.equal(answer.status, block.status, JSON.stringify(answer.body));
      if (block.field) {
        assert.equal(answer.body.error.field, block.field);
        assert.match(answer.body.error.message, /CPU_FILL/);
      }
    }
  });

  test("bad requests answer 400 naming Astria's field", async () => {
    const cases: [string[], string][] = [
      [["-F", "prompt[text]=--outpaint center --outpaint_width 900", "-F", "prompt[zoom]=2", "-F", `prompt[input_image_url]=${photosUrl}`], "prompt[zoom]"],
      [["-F", "prompt[text]=--outpaint center --outpaint_width 900", "-F", "prompt[num_images]=two", "-F", `prompt[input_image_url]=${photosUrl}`], "prompt[num_images]"],
      [["-F", "prompt[text]=--outpaint center --outpaint_width 900", "-F", "prompt[num_images]=99", "-F", `prompt[input_image_url]=${photosUrl}`], "prompt[num_images]"],
      [["-F", "prompt[text]=--outpaint center --outpaint_width 300", "-F", `prompt[input_image_url]=${photosUrl}`], "prompt[text] (--outpaint_width)"],
      [["-F", "prompt[text]=--outpaint center --outpaint_width 900", "-F", "prompt[input_image_url]=http://10.0.0.1/x.png"], "prompt[input_image_url]"],
      [["-F", "prompt[text]=--outpaint center --outpaint_width 900", "-F", "prompt[callback]=not a url", "-F", `prompt[input_image_url]=${photosUrl}`], "prompt[callback]"],
    ];
    for (const [args, field] of cases) {
      const answer = await curl(["-X", "POST", `${server.url}/tunes/${tuneId}/prompts`, ...args]);
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.error.field, field, JSON.stringify(answer.body));
    }
    const missing = await curl([`${server.url}/tunes/${tuneId}/prompts/nope`]);
    assert.equal(missing.status, 404);
  });
});
