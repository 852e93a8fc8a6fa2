import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { rowCount } from "../helpers/database.js";
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

/** A request that is not a create mutation: a raw GraphQL document, an upload or an Astria form. */
interface RawCase {
  name: string;
  send: (ctx: Context, server: ServerProcess) => Promise<Outcome>;
  status: number;
  code: string;
  /** null: an error about the request as a whole, which names no field. */
  field: string | null;
}

interface Outcome {
  status: number;
  code: unknown;
  field: unknown;
  allowed?: unknown;
  received?: unknown;
}

interface Context {
  imageId: string;
  tuneId: string;
  chelseaBase64: string;
  animatedWebp: string;
  animatedPng: string;
  bombPng: string;
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
  { name: "prompt: no input image on the CPU tune (text to image needs FLUX)", prompt: true, input: () => ({ text: "a cat --outpaint center --outpaint_width 900" }), field: "inputImage", code: "BACKEND_UNAVAILABLE" },
  { name: "prompt: img2img strength on the CPU tune", prompt: true, input: (c) => ({ text: "--outpaint center --outpaint_width 900", inputImage: image(c), denoisingStrength: 0.6 }), field: "denoisingStrength", code: "BACKEND_UNAVAILABLE" },
  { name: "prompt: unknown tune", prompt: true, tuneId: () => "no-such-tune", input: (c) => ({ text: "--outpaint center --outpaint_width 900", inputImage: image(c) }), field: "tuneId" },
  { name: "numImages above 10", input: (c) => ({ image: image(c), extend: { right: 64 }, numImages: 11 }), field: "numImages" },
  { name: "negative seed", input: (c) => ({ image: image(c), extend: { right: 64 }, seed: -1 }), field: "seed" },
  { name: "zero steps", input: (c) => ({ image: image(c), extend: { right: 64 }, steps: 0 }), field: "steps" },
  { name: "guidance above 100", input: (c) => ({ image: image(c), extend: { right: 64 }, guidance: 101 }), field: "guidance" },
  { name: "strength above 1", input: (c) => ({ image: image(c), extend: { right: 64 }, strength: 2 }), field: "strength" },
  { name: "negative blur", input: (c) => ({ image: image(c), extend: { right: 64 }, blur: -1 }), field: "blur" },
  { name: "prompt over 3000 characters", input: (c) => ({ image: image(c), extend: { right: 64 }, prompt: "x".repeat(3001) }), field: "prompt" },
  { name: "negative prompt over 3000 characters", input: (c) => ({ image: image(c), extend: { right: 64 }, negativePrompt: "x".repeat(3001) }), field: "negativePrompt" },
  { name: "unknown scheduler", input: (c) => ({ image: image(c), extend: { right: 64 }, scheduler: "ddim" }), field: "scheduler" },
  { name: "unknown infill (enum)", input: (c) => ({ image: image(c), extend: { right: 64 }, infill: "SMUDGE" }), field: "infill" },
  { name: "unknown output format (enum)", input: (c) => ({ image: image(c), extend: { right: 64 }, outputFormat: "GIF" }), field: "outputFormat" },
  { name: "image missing (required)", input: () => ({ extend: { right: 64 } }), field: "image" },
  { name: "presetFactor without a side preset", input: (c) => ({ image: image(c), preset: "ZOOM_OUT_2X", presetFactor: 2 }), field: "presetFactor" },
  { name: "presetFactor above 4", input: (c) => ({ image: image(c), preset: "EXTEND_LEFT", presetFactor: 10 }), field: "presetFactor" },
  { name: "Runware outpaint with a negative side", input: (c) => ({ image: image(c), outpaint: { top: -64 } }), field: "outpaint.top" },
  { name: "blur and outpaint.blur together", input: (c) => ({ image: image(c), outpaint: { right: 64, blur: 4 }, blur: 4 }), field: "blur" },
  { name: "image with two sources", input: (c) => ({ image: { id: c.imageId, base64: c.chelseaBase64 }, extend: { right: 64 } }), field: "image" },
  { name: "image with no source", input: () => ({ image: {}, extend: { right: 64 } }), field: "image" },
  { name: "image id that does not exist", input: () => ({ image: { id: "01890000-0000-7000-8000-000000000000" }, extend: { right: 64 } }), field: "image.id" },
  { name: "decompression bomb: a PNG header claiming 100000x100000", input: (c) => ({ image: { base64: c.bombPng }, extend: { right: 64 } }), field: "image.base64" },
  { name: "a 265-byte JPEG claiming 8192x8192 (found by the fuzz run)", input: () => ({ image: { base64: TINY_HUGE_JPEG }, extend: { right: 64 } }), field: "image.base64" },
  { name: "animated WebP", input: (c) => ({ image: { base64: c.animatedWebp }, extend: { right: 64 } }), field: "image.base64" },
  { name: "animated PNG (APNG)", input: (c) => ({ image: { base64: c.animatedPng }, extend: { right: 64 } }), field: "image.base64" },
  { name: "URL: not http(s)", input: () => ({ image: { url: "file:///etc/passwd" }, extend: { right: 64 } }), field: "image.url" },
  { name: "URL: loopback", input: () => ({ image: { url: "http://127.0.0.1:4000/images/x.png" }, extend: { right: 64 } }), field: "image.url" },
  { name: "URL: cloud metadata address", input: () => ({ image: { url: "http://169.254.169.254/latest/meta-data/" }, extend: { right: 64 } }), field: "image.url" },
  { name: "URL: private network", input: () => ({ image: { url: "http://10.0.0.7/cat.png" }, extend: { right: 64 } }), field: "image.url" },
  { name: "URL: IPv6 loopback", input: () => ({ image: { url: "http://[::1]/cat.png" }, extend: { right: 64 } }), field: "image.url" },
  { name: "URL: IPv4-mapped IPv6 loopback", input: () => ({ image: { url: "http://[::ffff:127.0.0.1]/cat.png" }, extend: { right: 64 } }), field: "image.url" },
  { name: "callback URL on a private network", input: (c) => ({ image: image(c), extend: { right: 64 }, callbackUrl: "http://192.168.1.10/hook" }), field: "callbackUrl" },
  { name: "callback URL to localhost by name", input: (c) => ({ image: image(c), extend: { right: 64 }, callbackUrl: "http://localhost:9/hook" }), field: "callbackUrl" },
  { name: "prompt: width flag that is not a number", prompt: true, input: (c) => ({ text: "--outpaint center --outpaint_width wide", inputImage: image(c) }), field: "text" },
  { name: "prompt: LoRA weight out of range", prompt: true, input: (c) => ({ text: "<lora:123:5> a cat --outpaint center --outpaint_width 900", inputImage: image(c) }), field: "text" },
  { name: "prompt: text over 3000 characters", prompt: true, input: (c) => ({ text: `${"y".repeat(3001)} --outpaint center`, inputImage: image(c) }), field: "text" },
  { name: "prompt: zero images", prompt: true, input: (c) => ({ text: "--outpaint center --outpaint_width 900", inputImage: image(c), numImages: 0 }), field: "numImages" },
  { name: "prompt: malformed aspect ratio", prompt: true, input: (c) => ({ text: "--outpaint center --outpaint_width 900", inputImage: image(c), ar: "wide" }), field: "ar" },
  { name: "prompt: w below 64", prompt: true, input: (c) => ({ text: "--outpaint center --outpaint_width 900", inputImage: image(c), w: 10 }), field: "w" },
  { name: "prompt: mask image on the CPU tune", prompt: true, input: (c) => ({ text: "--outpaint center --outpaint_width 900", inputImage: image(c), maskImage: image(c) }), field: "maskImage" },
  { name: "prompt: callback to the metadata address", prompt: true, input: (c) => ({ text: "--outpaint center --outpaint_width 900", inputImage: image(c), callbackUrl: "http://169.254.169.254/" }), field: "callbackUrl" },
];

const deepQuery = `{ jobs { nodes { tune { baseTune { baseTune { baseTune { baseTune { baseTune { baseTune { baseTune { baseTune { id } } } } } } } } } } } }`;
const graphql = (server: ServerProcess, body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) =>
  fetch(server.graphqlUrl, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) }).then(graphqlOutcome);
const astria = (server: ServerProcess, form: Record<string, string> | FormData, type = "application/x-www-form-urlencoded") =>
  fetch(`${server.url}/tunes/1504944/prompts`, {
    method: "POST",
    ...(form instanceof FormData ? { body: form } : { headers: { "content-type": type }, body: new URLSearchParams(form).toString() }),
  }).then(restOutcome);
const astriaJson = (server: ServerProcess, body: string) =>
  fetch(`${server.url}/tunes/1504944/prompts`, { method: "POST", headers: { "content-type": "application/json" }, body }).then(restOutcome);

const rawCases: RawCase[] = [
  { name: "GraphQL: nesting deeper than 10", send: (_c, s) => graphql(s, { query: deepQuery }), status: 400, code: "QUERY_TOO_COMPLEX", field: "query" },
  { name: "GraphQL: more than 20 aliases", send: (_c, s) => graphql(s, { query: `{ ${Array.from({ length: 21 }, (_, i) => `a${i}: tunes { totalCount }`).join(" ")} }` }), status: 400, code: "QUERY_TOO_COMPLEX", field: "query" },
  { name: "GraphQL: more than 500 fields through fragments", send: (_c, s) => graphql(s, { query: `fragment J on OutpaintJob { ${"id status stage width height attempts cancelRequested createdAt startedAt finishedAt ".repeat(6)} } { ${Array.from({ length: 10 }, (_, i) => `j${i}: jobs { nodes { ...J } }`).join(" ")} }` }), status: 400, code: "QUERY_TOO_COMPLEX", field: "query" },
  { name: "GraphQL: a document of more than 5000 tokens", send: (_c, s) => graphql(s, { query: `{ ${"tunes { totalCount } ".repeat(1300)} }` }), status: 400, code: "GRAPHQL_PARSE_FAILED", field: null },
  { name: "GraphQL: batched operations", send: (_c, s) => graphql(s, [{ query: "{ tunes { totalCount } }" }, { query: "{ tunes { totalCount } }" }]), status: 400, code: "BAD_REQUEST", field: null },
  { name: "GraphQL: CSRF-prone simple request (text/plain)", send: (_c, s) => graphql(s, JSON.stringify({ query: "{ tunes { totalCount } }" }), { "content-type": "text/plain" }), status: 400, code: "BAD_REQUEST", field: null },
  { name: "GraphQL: syntax error", send: (_c, s) => graphql(s, { query: "{ jobs { nodes { id }" }), status: 400, code: "GRAPHQL_PARSE_FAILED", field: null },
  { name: "GraphQL: a subscription over HTTP", send: (_c, s) => graphql(s, { query: 'subscription { jobUpdated(id: "x") { id } }' }), status: 400, code: "BAD_REQUEST", field: null },
  { name: "GraphQL: unknown field", send: (_c, s) => graphql(s, { query: "{ jobs { nodes { secret } } }" }), status: 400, code: "GRAPHQL_VALIDATION_FAILED", field: null },
  { name: "upload: empty body", send: (_c, s) => fetch(`${s.url}/v1/images`, { method: "POST", headers: { "content-type": "image/png" }, body: new Uint8Array() }).then(restOutcome), status: 400, code: "BAD_USER_INPUT", field: "body" },
  { name: "upload: multipart form without a file", send: (_c, s) => { const form = new FormData(); form.set("note", "no file here"); return fetch(`${s.url}/v1/images`, { method: "POST", body: form }).then(restOutcome); }, status: 400, code: "BAD_USER_INPUT", field: "file" },
  { name: "upload: a multipart body that ends inside its file part", send: (_c, s) => truncatedMultipart(s, "/v1/images", "file"), status: 400, code: "BAD_USER_INPUT", field: "body" },
  { name: "upload: larger than MAX_UPLOAD_BYTES", send: (_c, s) => fetch(`${s.url}/v1/images`, { method: "POST", headers: { "content-type": "image/png" }, body: new Uint8Array(MAX_UPLOAD + 1) }).then(restOutcome), status: 413, code: "PAYLOAD_TOO_LARGE", field: "body" },
  { name: "upload: a decompression bomb", send: (c, s) => fetch(`${s.url}/v1/images`, { method: "POST", headers: { "content-type": "image/png" }, body: Buffer.from(c.bombPng, "base64") }).then(restOutcome), status: 400, code: "BAD_USER_INPUT", field: "body" },
  { name: "Astria: unknown prompt field", send: (_c, s) => astria(s, { "prompt[text]": "--outpaint center --outpaint_width 900", "prompt[colour]": "red" }), status: 400, code: "BAD_USER_INPUT", field: "prompt[colour]" },
  { name: "Astria: a multipart body that ends inside its file part", send: (_c, s) => truncatedMultipart(s, "/tunes/1504944/prompts", "prompt[input_image]"), status: 400, code: "BAD_USER_INPUT", field: "body" },
  { name: "Astria: prompt[__proto__]", send: (_c, s) => astria(s, { "prompt[text]": "--outpaint center --outpaint_width 900", "prompt[__proto__]": "x" }), status: 400, code: "BAD_USER_INPUT", field: "prompt[__proto__]" },
  { name: "Astria: a JSON prompt with a __proto__ key", send: (_c, s) => astriaJson(s, '{"prompt":{"text":"--outpaint center --outpaint_width 900","__proto__":{"seed":1}}}'), status: 400, code: "BAD_USER_INPUT", field: "prompt[__proto__]" },
  ...["0x2", "0b1", "1e1", "Infinity", " "].map((value) => ({
    name: `Astria: num_images ${JSON.stringify(value)} is not a plain decimal`,
    send: (_c: Context, s: ServerProcess) => astria(s, { "prompt[text]": "--outpaint center --outpaint_width 900", "prompt[num_images]": value }),
    status: 400,
    code: "BAD_USER_INPUT",
    field: "prompt[num_images]",
  })),
  { name: "Astria: a field outside prompt[...]", send: (_c, s) => astria(s, { text: "--outpaint center" }), status: 400, code: "BAD_USER_INPUT", field: "text" },
  { name: "Astria: num_images that is not a number", send: (_c, s) => astria(s, { "prompt[text]": "--outpaint center --outpaint_width 900", "prompt[num_images]": "two" }), status: 400, code: "BAD_USER_INPUT", field: "prompt[num_images]" },
  { name: "Astria: an unsupported content type", send: (_c, s) => astria(s, { "prompt[text]": "x" }, "text/plain"), status: 415, code: "UNSUPPORTED_MEDIA_TYPE", field: "Content-Type" },
  { name: "Astria: input_image and input_image_url together", send: (c, s) => { const form = new FormData(); form.set("prompt[text]", "--outpaint center --outpaint_width 900"); form.set("prompt[input_image_url]", "https://example.com/a.png"); form.set("prompt[input_image]", new Blob([Buffer.from(c.chelseaBase64, "base64")]), "a.png"); return astria(s, form); }, status: 400, code: "BAD_USER_INPUT", field: "prompt[input_image]" },
  { name: "Astria: callback to a private address", send: (c, s) => { const form = new FormData(); form.set("prompt[text]", "--outpaint center --outpaint_width 900"); form.set("prompt[callback]", "http://10.1.2.3/done"); form.set("prompt[input_image]", new Blob([Buffer.from(c.chelseaBase64, "base64")]), "a.png"); return astria(s, form); }, status: 400, code: "BAD_USER_INPUT", field: "prompt[callback]" },
  { name: "Astria: an unterminated quote in the text", send: (c, s) => { const form = new FormData(); form.set("prompt[text]", '--outpaint center --outpaint_prompt "sofa'); form.set("prompt[input_image]", new Blob([Buffer.from(c.chelseaBase64, "base64")]), "a.png"); return astria(s, form); }, status: 400, code: "BAD_USER_INPUT", field: "prompt[text]" },
];

async function graphqlOutcome(response: Response): Promise<Outcome> {
  const body = (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
  const extensions = body.errors?.[0]?.extensions ?? {};
  return { status: response.status, code: extensions.code, field: extensions.field, allowed: extensions.allowed, received: extensions.received };
}

async function restOutcome(response: Response): Promise<Outcome> {
  const { error } = (await response.json()) as { error?: Record<string, unknown> };
  return { status: response.status, code: error?.code, field: error?.field, allowed: error?.allowed, received: error?.received };
}

const MAX_UPLOAD = 2_000_000;

/** Its frame header says 8192x8192 but the data ends at once; libjpeg would fill in 200 MB of grey. */
const TINY_HUGE_JPEG =
  "/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCCAAIAADASIAAhEBAxEB/8QAFAABAAAAAAAAAAAAAAAAAAAAAP/EABQQAQAAAAAAAAAAAAAAAAAAAAD/xAAUAQEAAAAAAAAAAAAAAAAAAAAA/8QAFBEBAAAAAAAAAAAAAAAAAAAAAP/aAAwDAQACEQMRAD8AAA//2Q==";

/** A valid PNG signature and header claiming 100000x100000 pixels, with one tiny IDAT: decoding it would need 30 GB. */
async function bombPng(): Promise<Buffer> {
  const small = await sharp({ create: { width: 1, height: 1, channels: 3, background: "#000" } }).png().toBuffer();
  const bomb = Buffer.from(small);
  bomb.writeUInt32BE(100_000, 16);
  bomb.writeUInt32BE(100_000, 20);
  bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
  return bomb;
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

async function animatedWebp(): Promise<Buffer> {
  const frame = (background: string) => sharp({ create: { width: 16, height: 16, channels: 3, background } }).png().toBuffer();
  return sharp([await frame("#c33"), await frame("#3c3")], { join: { animated: true } }).webp({ loop: 0 }).toBuffer();
}

/** Two 16x16 frames as an APNG (acTL, fcTL and fdAT chunks per the APNG specification) that libvips reads as a still. */
async function animatedPng(): Promise<Buffer> {
  const frame = (background: string) => sharp({ create: { width: 16, height: 16, channels: 3, background } }).png().toBuffer();
  const [first, second] = [await frame("#c33"), await frame("#3c3")];
  const chunks = (png: Buffer) => {
    const found: { type: string; data: Buffer }[] = [];
    for (let offset = 8; offset < png.length; ) {
      const length = png.readUInt32BE(offset);
      found.push({ type: png.toString("latin1", offset + 4, offset + 8), data: png.subarray(offset + 8, offset + 8 + length) });
      offset += 12 + length;
    }
    return found;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const u32 = (...values: number[]) => Buffer.concat(values.map((value) => { const b = Buffer.alloc(4); b.writeUInt32BE(value); return b; }));
  const frameControl = (sequence: number) => Buffer.concat([u32(sequence, 16, 16, 0, 0), Buffer.from([0, 1, 0, 10, 0, 0])]);
  const ihdr = chunks(first).find((c) => c.type === "IHDR")!.data;
  const idat = (png: Buffer) => Buffer.concat(chunks(png).filter((c) => c.type === "IDAT").map((c) => c.data));
  return Buffer.concat([
    first.subarray(0, 8),
    chunk("IHDR", ihdr),
    chunk("acTL", u32(2, 0)),
    chunk("fcTL", frameControl(0)),
    chunk("IDAT", idat(first)),
    chunk("fcTL", frameControl(1)),
    chunk("fdAT", Buffer.concat([u32(2), idat(second)])),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The attack of issue 23: a multipart body whose file part never ends, sent whole (Content-Length matches). */
function truncatedMultipart(server: ServerProcess, path: string, fileField: string): Promise<Outcome> {
  const body = `--XX\r\nContent-Disposition: form-data; name="${fileField}"; filename="a.png"\r\nContent-Type: image/png\r\n\r\nabc`;
  return fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "multipart/form-data; boundary=XX" }, body }).then(restOutcome);
}

describe("bad input is refused before any work, naming the field, and writes nothing", () => {
  let server: ServerProcess;
  const ctx: Context = { imageId: "", tuneId: "", chelseaBase64: "", animatedWebp: "", animatedPng: "", bombPng: "" };
  let counts: () => Promise<Record<string, number>>;

  before(async () => {
    server = await ServerProcess.start({ MAX_UPLOAD_BYTES: String(MAX_UPLOAD) });
    ctx.bombPng = (await bombPng()).toString("base64");
    ctx.animatedWebp = (await animatedWebp()).toString("base64");
    ctx.animatedPng = (await animatedPng()).toString("base64");
    const bytes = readFileSync(photo("chelsea.png"));
    ctx.chelseaBase64 = bytes.toString("base64");
    ctx.imageId = (await uploadImage(server.url, bytes, "image/png")).id;
    const tunes = await gql<{ tunes: { nodes: { id: string }[] } }>(server.graphqlUrl, "{ tunes { nodes { id } } }");
    ctx.tuneId = tunes.data!.tunes.nodes[0]!.id;
    const imagesDir = join(server.dataDir, "images");
    counts = async () => {
      const count = (table: string) => rowCount(server.databaseUrl, table);
      const files = readdirSync(imagesDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length;
      return { images: await count("Image"), jobs: await count("OutpaintJob"), prompts: await count("Prompt"), keys: await count("IdempotencyKey"), files };
    };
  });
  after(async () => {
    await server.dispose();
  });

  for (const item of cases) {
    test(item.name, async () => {
      const before = await counts();
      const result = item.prompt
        ? await gql(server.graphqlUrl, CREATE_PROMPT, { tuneId: item.tuneId?.(ctx) ?? ctx.tuneId, input: item.input(ctx) })
        : await gql(server.graphqlUrl, CREATE_JOB, { input: item.input(ctx), key: item.key });
      assert.ok(result.errors?.length, `expected an error, got ${JSON.stringify(result.data)}`);
      const extensions = result.errors[0]!.extensions as Record<string, unknown>;
      assert.equal(extensions.code, item.code ?? "BAD_USER_INPUT", result.errors[0]!.message);
      assert.equal(extensions.field, item.field, result.errors[0]!.message);
      if (extensions.code === "BACKEND_UNAVAILABLE") {
        assert.ok(Array.isArray(extensions.missing) && extensions.missing.length > 0, "says what is missing");
      } else {
        assert.ok(typeof extensions.allowed === "string" && extensions.allowed.length > 0, "names what is allowed");
        assert.ok(typeof extensions.received === "string" && extensions.received.length > 0, "names what was received");
      }
      assert.deepEqual(await counts(), before, "nothing was written");
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200, "the server still answers");
    });
  }

  for (const item of rawCases) {
    test(item.name, async () => {
      const before = await counts();
      const outcome = await item.send(ctx, server);
      assert.deepEqual([outcome.status, outcome.code, outcome.field ?? null], [item.status, item.code, item.field], JSON.stringify(outcome));
      if (item.field !== null) {
        assert.ok(typeof outcome.allowed === "string" && outcome.allowed.length > 0, "names what is allowed");
        assert.ok(typeof outcome.received === "string" && outcome.received.length > 0, "names what was received");
      }
      assert.deepEqual(await counts(), before, "nothing was written");
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200, "the server still answers");
    });
  }

  test("the table covers at least 60 cases across GraphQL, REST, uploads, URLs and prompt text", () => {
    assert.ok(cases.length + rawCases.length >= 60, `${cases.length + rawCases.length} cases`);
  });

  test("a GIF is refused: only PNG, JPEG and WebP are accepted", async () => {
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#336699" } }).gif().toBuffer();
    const before = await counts();
    const result = await gql(server.graphqlUrl, CREATE_JOB, { input: { image: { base64: gif.toString("base64") }, extend: { right: 8 } } });
    assert.equal(result.errors?.[0]?.extensions?.field, "image.base64");
    assert.match(result.errors![0]!.message, /^Expected a PNG, JPEG or WebP image for image\.base64 but received a gif image$/);
    assert.deepEqual(await counts(), before);
  });

  test("uploads: a non-image type is 415, non-image bytes are 400, both with code and field", async () => {
    const before = await counts();
    const text = await fetch(`${server.url}/v1/images`, { method: "POST", headers: { "content-type": "text/plain" }, body: "hello" });
    assert.equal(text.status, 415);
    assert.deepEqual(((await text.json()) as { error: { code: string; field: string } }).error.field, "Content-Type");
    const junk = await fetch(`${server.url}/v1/images`, { method: "POST", headers: { "content-type": "image/png" }, body: "not a png" });
    assert.equal(junk.status, 400);
    const body = (await junk.json()) as { error: { code: string; field: string; message: string } };
    assert.deepEqual([body.error.code, body.error.field], ["BAD_USER_INPUT", "body"]);
    assert.deepEqual(await counts(), before);
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
