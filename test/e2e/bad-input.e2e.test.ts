import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import sharp from "sharp";
import { gql, uploadImage } from "../helpers/graphql-client.js";
import { CREATE_JOB } from "../helpers/jobs.js";
import { photo } from "../helpers/paths.js";
import { ServerProcess } from "../helpers/server-process.js";

const CREATE_PROMPT = `mutation($tuneId: ID!, $input: PromptInput!) { createPrompt(tuneId: $tuneId, input: $input) { id } }`;

interface Case {
  name: string;
  /** The outpaint input (createOutpaintJob) or prompt input (createPrompt, when `prompt` is set). */
  input: (ctx: Context) => Record<string, unknown>;
  prompt?: boolean;
  tuneId?: (ctx: Context) => string;
  key?: string;
  field: string;
  code?: string;
}

interface Context {
  imageId: string;
  tuneId: string;
  chelseaBase64: string;
}

const image = (ctx: Context) => ({ id: ctx.imageId });
const cases: Case[] = [
  { name: "unknown tune", input: (c) => ({ tuneId: "no-such-tune", image: image(c), extend: { right: 64 } }), field: "tuneId" },
  { name: "extend and target together", input: (c) => ({ image: image(c), extend: { right: 64 }, target: { width: 900, height: 600 } }), field: "input" },
  { name: "extend, target and preset all absent", input: (c) => ({ image: image(c) }), field: "input" },
  { name: "extend and preset together", input: (c) => ({ image: image(c), extend: { top: 8 }, preset: "ZOOM_OUT_2X" }), field: "input" },
  { name: "negative extension", input: (c) => ({ image: image(c), extend: { top: -5 } }), field: "extend.top" },
  { name: "absurd extension", input: (c) => ({ image: image(c), extend: { right: 100000 } }), field: "extend.right" },
  { name: "zero on every side", input: (c) => ({ image: image(c), extend: { top: 0, left: 0 } }), field: "extend" },
  { name: "canvas wider than 8192", input: (c) => ({ image: image(c), extend: { left: 5000, right: 5000 } }), field: "extend.left" },
  { name: "target narrower than the image", input: (c) => ({ image: image(c), target: { width: 300, height: 600 } }), field: "target.width" },
  { name: "target shorter than the image", input: (c) => ({ image: image(c), target: { width: 600, height: 100 } }), field: "target.height" },
  { name: "absurd target", input: (c) => ({ image: image(c), target: { width: 999999, height: 600 } }), field: "target.width" },
  { name: "target equal to the image", input: (c) => ({ image: image(c), target: { width: 451, height: 300 } }), field: "target" },
  { name: "unknown preset", input: (c) => ({ image: image(c), preset: "ZOOM_OUT_3X" }), field: "preset" },
  { name: "unknown anchor", input: (c) => ({ image: image(c), target: { width: 900, height: 600, anchor: "MIDDLE" } }), field: "target.anchor" },
  { name: "malformed base64", input: () => ({ image: { base64: "this is not base64!!" }, extend: { right: 64 } }), field: "image.base64" },
  { name: "base64 of text, not an image", input: () => ({ image: { base64: Buffer.from("hello, I am plain text and no image").toString("base64") }, extend: { right: 64 } }), field: "image.base64" },
  { name: "truncated PNG", input: (c) => ({ image: { base64: Buffer.from(c.chelseaBase64, "base64").subarray(0, 60000).toString("base64") }, extend: { right: 64 } }), field: "image.base64" },
  { name: "data URI of text", input: () => ({ image: { dataUri: `data:text/plain;base64,${Buffer.from("hello").toString("base64")}` }, extend: { right: 64 } }), field: "image.dataUri" },
  { name: "data URI that is not one", input: () => ({ image: { dataUri: "http://example.com/cat.png" }, extend: { right: 64 } }), field: "image.dataUri" },
  { name: "two image sources", input: (c) => ({ image: { id: c.imageId, base64: c.chelseaBase64 }, extend: { right: 64 } }), field: "image" },
  { name: "no image source", input: () => ({ image: {}, extend: { right: 64 } }), field: "image" },
  { name: "unknown image id", input: () => ({ image: { id: "0000-nope" }, extend: { right: 64 } }), field: "image.id" },
  { name: "image URL on a loopback address", input: () => ({ image: { url: "http://127.0.0.1/cat.png" }, extend: { right: 64 } }), field: "image.url" },
  { name: "image URL on the metadata address", input: () => ({ image: { url: "http://169.254.169.254/latest/meta-data" }, extend: { right: 64 } }), field: "image.url" },
  { name: "image URL that is not http(s)", input: () => ({ image: { url: "file:///etc/passwd" }, extend: { right: 64 } }), field: "image.url" },
  { name: "blur above 64", input: (c) => ({ image: image(c), extend: { right: 64 }, blur: 65 }), field: "blur" },
  { name: "negative seed", input: (c) => ({ image: image(c), extend: { right: 64 }, seed: -1 }), field: "seed" },
  { name: "zero images", input: (c) => ({ image: image(c), extend: { right: 64 }, numImages: 0 }), field: "numImages" },
  { name: "steps 0", input: (c) => ({ image: image(c), extend: { right: 64 }, steps: 0 }), field: "steps" },
  { name: "guidance above 100", input: (c) => ({ image: image(c), extend: { right: 64 }, guidance: 101 }), field: "guidance" },
  { name: "strength above 1", input: (c) => ({ image: image(c), extend: { right: 64 }, strength: 2 }), field: "strength" },
  { name: "unknown scheduler", input: (c) => ({ image: image(c), extend: { right: 64 }, scheduler: "ddim" }), field: "scheduler" },
  { name: "prompt over 3000 characters", input: (c) => ({ image: image(c), extend: { right: 64 }, prompt: "x".repeat(3001) }), field: "prompt" },
  { name: "callback URL that is not http(s)", input: (c) => ({ image: image(c), extend: { right: 64 }, callbackUrl: "ftp://example.com/hook" }), field: "callbackUrl" },
  { name: "callback URL that is not a URL", input: (c) => ({ image: image(c), extend: { right: 64 }, callbackUrl: "my server" }), field: "callbackUrl" },
  { name: "over-long idempotency key", input: (c) => ({ image: image(c), extend: { right: 64 } }), key: "k".repeat(256), field: "idempotencyKey" },
  { name: "prompt: unknown flag", prompt: true, input: (c) => ({ text: "a cat --outpaint center --outpaint_width 900 --zoom 2", inputImage: image(c), denoisingStrength: 0 }), field: "text" },
  { name: "prompt: unterminated quote", prompt: true, input: (c) => ({ text: 'a cat --outpaint center --outpaint_width 900 --outpaint_prompt "a sofa', inputImage: image(c) }), field: "text" },
  { name: "prompt: unknown anchor", prompt: true, input: (c) => ({ text: "--outpaint middle --outpaint_width 900", inputImage: image(c) }), field: "text" },
  { name: "prompt: width below the image's", prompt: true, input: (c) => ({ text: "--outpaint center --outpaint_width 200", inputImage: image(c) }), field: "text (--outpaint_width)" },
  { name: "prompt: no input image on the CPU tune", prompt: true, input: () => ({ text: "a cat --outpaint center --outpaint_width 900" }), field: "inputImage" },
  { name: "prompt: img2img strength on the CPU tune", prompt: true, input: (c) => ({ text: "--outpaint center --outpaint_width 900", inputImage: image(c), denoisingStrength: 0.6 }), field: "denoisingStrength" },
  { name: "prompt: unknown tune", prompt: true, tuneId: () => "no-such-tune", input: (c) => ({ text: "--outpaint center --outpaint_width 900", inputImage: image(c) }), field: "tuneId" },
];

describe("bad input is refused before any work, naming the field, and writes nothing", () => {
  let server: ServerProcess;
  const ctx: Context = { imageId: "", tuneId: "", chelseaBase64: "" };
  let counts: () => Record<string, number>;

  before(async () => {
    server = await ServerProcess.start();
    const bytes = readFileSync(photo("chelsea.png"));
    ctx.chelseaBase64 = bytes.toString("base64");
    ctx.imageId = (await uploadImage(server.url, bytes, "image/png")).id;
    const tunes = await gql<{ tunes: { nodes: { id: string }[] } }>(server.graphqlUrl, "{ tunes { nodes { id } } }");
    ctx.tuneId = tunes.data!.tunes.nodes[0]!.id;
    const db = new Database(join(server.dataDir, "outpaint.db"), { readonly: true });
    const imagesDir = join(server.dataDir, "images");
    counts = () => {
      const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n;
      const files = readdirSync(imagesDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length;
      return { images: count("Image"), jobs: count("OutpaintJob"), prompts: count("Prompt"), keys: count("IdempotencyKey"), files };
    };
  });
  after(async () => {
    await server.dispose();
  });

  for (const item of cases) {
    test(item.name, async () => {
      const before = counts();
      const result = item.prompt
        ? await gql(server.graphqlUrl, CREATE_PROMPT, { tuneId: item.tuneId?.(ctx) ?? ctx.tuneId, input: item.input(ctx) })
        : await gql(server.graphqlUrl, CREATE_JOB, { input: item.input(ctx), key: item.key });
      assert.ok(result.errors?.length, `expected an error, got ${JSON.stringify(result.data)}`);
      const extensions = result.errors[0]!.extensions as Record<string, unknown>;
      assert.equal(extensions.code, item.code ?? "BAD_USER_INPUT", result.errors[0]!.message);
      assert.equal(extensions.field, item.field, result.errors[0]!.message);
      assert.ok(typeof extensions.allowed === "string" && extensions.allowed.length > 0, "names what is allowed");
      assert.ok(typeof extensions.received === "string" && extensions.received.length > 0, "names what was received");
      assert.deepEqual(counts(), before, "nothing was written");
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200, "the server still answers");
    });
  }

  test("a GIF is refused: only PNG, JPEG and WebP are accepted", async () => {
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#336699" } }).gif().toBuffer();
    const before = counts();
    const result = await gql(server.graphqlUrl, CREATE_JOB, { input: { image: { base64: gif.toString("base64") }, extend: { right: 8 } } });
    assert.equal(result.errors?.[0]?.extensions?.field, "image.base64");
    assert.match(result.errors![0]!.message, /^Expected a PNG, JPEG or WebP image for image\.base64 but received a gif image$/);
    assert.deepEqual(counts(), before);
  });

  test("uploads: a non-image type is 415, non-image bytes are 400, both with code and field", async () => {
    const before = counts();
    const text = await fetch(`${server.url}/v1/images`, { method: "POST", headers: { "content-type": "text/plain" }, body: "hello" });
    assert.equal(text.status, 415);
    assert.deepEqual(((await text.json()) as { error: { code: string; field: string } }).error.field, "Content-Type");
    const junk = await fetch(`${server.url}/v1/images`, { method: "POST", headers: { "content-type": "image/png" }, body: "not a png" });
    assert.equal(junk.status, 400);
    const body = (await junk.json()) as { error: { code: string; field: string; message: string } };
    assert.deepEqual([body.error.code, body.error.field], ["BAD_USER_INPUT", "body"]);
    assert.deepEqual(counts(), before);
  });

  test("malformed and oversized GraphQL bodies get GraphQL errors with a code", async () => {
    const malformed = await fetch(server.graphqlUrl, { method: "POST", headers: { "content-type": "application/json" }, body: "{ not json" });
    assert.equal(malformed.status, 400);
    const body = (await malformed.json()) as { errors: { extensions: { code: string } }[] };
    assert.equal(body.errors[0]!.extensions.code, "BAD_REQUEST");
    const unknownRoute = await fetch(`${server.url}/nowhere`);
    assert.equal(unknownRoute.status, 404);
    assert.equal(((await unknownRoute.json()) as { error: { code: string } }).error.code, "NOT_FOUND");
  });

  test("input errors follow one message template", async () => {
    const result = await gql(server.graphqlUrl, CREATE_JOB, { input: { image: { id: ctx.imageId }, extend: { top: -5 } } });
    assert.equal(result.errors?.[0]?.message, "Expected an integer between 0 and 8192 for extend.top but received -5");
  });
});
