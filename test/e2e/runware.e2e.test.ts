import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { Runware } from "@runware/sdk-js";
import sharp from "sharp";
import WebSocket from "ws";
import { bearer, gqlData } from "../helpers/graphql-client.js";
import { photo } from "../helpers/paths.js";
import { decode, regionDifferences } from "../helpers/pixels.js";
import { ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";
import { WebhookReceiver } from "../helpers/webhook-receiver.js";

// Clients written for Runware work against this server by changing the URL (and key): its
// published JavaScript SDK over WebSocket, and plain HTTP task arrays, the seed's request included.

interface Item {
  taskType: string;
  taskUUID: string;
  imageUUID?: string;
  imageURL?: string;
  imageDataURI?: string;
  imageBase64Data?: string;
  seed?: number;
  cost?: number;
  status?: string;
}
interface RunwareError {
  code: string;
  message: string;
  parameter?: string;
  taskUUID?: string;
  taskType?: string;
}
interface Answer {
  status: number;
  data?: Item[];
  errors?: RunwareError[];
}

async function post(server: ServerProcess, tasks: unknown, key?: string): Promise<Answer> {
  const response = await fetch(`${server.url}/v1`, { method: "POST", headers: { "content-type": "application/json", ...bearer(key) }, body: JSON.stringify(tasks) });
  return { status: response.status, ...((await response.json()) as { data?: Item[]; errors?: RunwareError[] }) };
}

const dataUri = (png: Buffer) => `data:image/png;base64,${png.toString("base64")}`;
/** The SDK with no clock of its own that could race a busy machine (its default gives up after 60 s and resubmits). */
/** Runware's WebSocket endpoint on this server. */
const v1Url = (server: ServerProcess) => server.wsUrl.replace(/\/graphql$/, "/v1");
const sdk = (server: ServerProcess, apiKey = "keyless") => new Runware({ apiKey, url: v1Url(server), timeoutDuration: 600_000, shouldReconnect: false });

async function jobCount(server: ServerProcess, key?: string): Promise<number> {
  return (await gqlData<{ jobs: { totalCount: number } }>(server.graphqlUrl, "{ jobs { totalCount } }", {}, key)).jobs.totalCount;
}

describe("Runware's API over WebSocket and HTTP", () => {
  let server: ServerProcess;
  let seed: Buffer;
  let original: Awaited<ReturnType<typeof decode>>;
  before(async () => {
    server = await ServerProcess.start({ URL_FETCH_ALLOW: "127.0.0.1" });
    seed = await sharp(readFileSync(photo("astronaut.png"))).resize(256, 256).png().toBuffer();
    original = await decode(seed);
  });
  after(async () => {
    await server.dispose();
  });

  test("the official SDK: imageUpload, then requestImages with seedImage + outpaint, two results, PNG, originals bit-exact", async () => {
    const runware = sdk(server);
    try {
      await runware.ensureConnection();
      const upload = (await runware.imageUpload({ image: dataUri(seed) })) as unknown as Item;
      assert.equal(upload.taskType, "imageUpload");
      assert.ok(upload.imageUUID && upload.imageURL);

      const images = (await runware.requestImages({
        positivePrompt: "__BLANK__",
        model: "runware:102@1",
        seedImage: upload.imageUUID,
        outpaint: { top: 64, right: 128, bottom: 0, left: 64, blur: 0 },
        width: 448,
        height: 320,
        numberResults: 2,
        outputType: "URL",
        outputFormat: "PNG",
        includeCost: true,
      })) as unknown as Item[];
      assert.equal(images.length, 2);
      assert.equal(new Set(images.map((image) => image.imageUUID)).size, 2);
      for (const image of images) {
        assert.equal(image.cost, 0);
        const result = await decode(Buffer.from(await (await fetch(image.imageURL!)).arrayBuffer()));
        assert.deepEqual([result.width, result.height], [448, 320]);
        assert.equal(regionDifferences(result, original, 64, 64), 0, "the original's pixels are untouched");
      }
      // A result is an image of this server: its UUID is a seedImage for the next request.
      const again = (await runware.requestImages({
        positivePrompt: "a starry sky",
        model: "runware:102@1",
        seedImage: images[0]!.imageUUID!,
        outpaint: { top: 64 },
        width: 448,
        height: 384,
        outputType: ["base64Data", "dataURI"],
        outputFormat: "WEBP",
      } as never)) as Item[];
      assert.equal(again.length, 1);
      assert.ok(again[0]!.imageDataURI!.startsWith("data:image/webp;base64,"));
      assert.equal((await sharp(Buffer.from(again[0]!.imageBase64Data!, "base64")).metadata()).height, 384);
    } finally {
      await runware.disconnect();
    }
  });

  test("the SDK: refusals come in Runware's shape naming the parameter and the task, and nothing is written", async () => {
    const runware = sdk(server);
    try {
      await runware.ensureConnection();
      const before = await jobCount(server);
      const refusal = async (params: Record<string, unknown>) => {
        try {
          await runware.requestImages({ positivePrompt: "__BLANK__", model: "runware:102@1", seedImage: dataUri(seed), outpaint: { right: 64 }, width: 320, height: 256, ...params } as never);
        } catch (thrown) {
          return (thrown as { error: RunwareError }).error;
        }
        throw new Error(`not refused: ${JSON.stringify(params)}`);
      };
      const cases: [Record<string, unknown>, string, string][] = [
        [{ outpaint: { right: 60 } }, "invalidOutpaint", "outpaint.right"],
        [{ outpaint: { right: 64, blur: 40 } }, "invalidOutpaint", "outpaint.blur"],
        [{ width: 300 }, "invalidWidth", "width"],
        [{ width: 384 }, "invalidWidth", "width"],
        [{ height: 320 }, "invalidHeight", "height"],
        [{ steps: 101 }, "invalidSteps", "steps"],
        [{ CFGScale: 51 }, "invalidCFGScale", "CFGScale"],
        [{ positivePrompt: "a" }, "invalidPositivePromptLength", "positivePrompt"],
        [{ model: "civitai:4201@130090" }, "unknownModel", "model"],
        [{ lora: [{ model: "civitai:1@1", weight: 1 }] }, "unsupportedParameter", "lora"],
      ];
      for (const [params, code, parameter] of cases) {
        const error = await refusal(params);
        assert.deepEqual([error.code, error.parameter, error.taskType], [code, parameter, "imageInference"], JSON.stringify(error));
        assert.ok(error.taskUUID && error.message.length > 10, JSON.stringify(error));
        if (code === "unknownModel") assert.match(error.message, /runware:102@1/, "names the models that exist");
      }
      assert.equal(await jobCount(server), before, "nothing was written");
    } finally {
      await runware.disconnect();
    }
  });

  test("the seed's request over HTTP: a 768x768 image extended 256 on every side to 1280x1280", async () => {
    const square = await sharp(readFileSync(photo("astronaut.png"))).resize(768, 768).png().toBuffer();
    const uploaded = await post(server, [{ taskType: "imageUpload", taskUUID: randomUUID(), image: square.toString("base64") }]);
    const imageUUID = uploaded.data![0]!.imageUUID!;
    // runware.ai/docs/en/image-inference/outpainting, "Basic request example", with this server's image as seedImage.
    const answer = await post(server, [
      {
        taskType: "imageInference",
        taskUUID: "c985ec13-6aef-4337-8df2-f7e17dd71589",
        positivePrompt: "__BLANK__",
        seedImage: imageUUID,
        outpaint: { top: 256, right: 256, bottom: 256, left: 256 },
        model: "runware:102@1",
        width: 1280,
        height: 1280,
        steps: 40,
      },
    ]);
    assert.equal(answer.status, 200, JSON.stringify(answer));
    const [item] = answer.data!;
    assert.deepEqual([item!.taskType, item!.taskUUID], ["imageInference", "c985ec13-6aef-4337-8df2-f7e17dd71589"]);
    assert.ok(Number.isInteger(item!.seed));
    assert.match(item!.imageURL!, /\.jpg\?/, "JPG, Runware's default");
    const result = await sharp(Buffer.from(await (await fetch(item!.imageURL!)).arrayBuffer())).metadata();
    assert.deepEqual([result.format, result.width, result.height], ["jpeg", 1280, 1280]);

    // The same taskUUID again is the same task; with another request it is a conflict.
    const replay = await post(server, [{ taskType: "getResponse", taskUUID: "c985ec13-6aef-4337-8df2-f7e17dd71589" }]);
    assert.deepEqual(replay.data!.map((entry) => [entry.imageUUID, entry.status]), [[item!.imageUUID, "success"]]);
    const conflict = await post(server, [
      { taskType: "imageInference", taskUUID: "c985ec13-6aef-4337-8df2-f7e17dd71589", positivePrompt: "__BLANK__", seedImage: imageUUID, outpaint: { top: 64 }, model: "runware:102@1", width: 768, height: 832 },
    ]);
    assert.deepEqual([conflict.status, conflict.errors?.[0]?.code, conflict.errors?.[0]?.parameter], [409, "conflictTaskUUID", "taskUUID"]);
  });

  test("HTTP: async delivery answers at once, then getResponse reports processing until the image is there; GraphQL sees the job", async () => {
    const taskUUID = randomUUID();
    const ack = await post(server, [
      { taskType: "imageInference", taskUUID, deliveryMethod: "async", positivePrompt: "__BLANK__", seedImage: seed.toString("base64"), outpaint: { right: 64 }, model: "runware:102@1", width: 320, height: 256, outputFormat: "png" },
    ]);
    assert.deepEqual(ack.data, [{ taskType: "imageInference", taskUUID }]);
    const done = await waitFor("the task's image", async () => {
      const polled = await post(server, [{ taskType: "getResponse", taskUUID }]);
      assert.ok(polled.data!.every((entry) => entry.status === "processing" || entry.status === "success"), JSON.stringify(polled));
      return polled.data!.some((entry) => entry.status === "success") && polled.data![0]!;
    });
    assert.ok(done.imageUUID && done.imageURL);
    const { jobs } = await gqlData<{ jobs: { nodes: { status: string; result: { id: string } | null }[] } }>(server.graphqlUrl, "{ jobs(first: 100) { nodes { status result { id } } } }");
    assert.ok(jobs.nodes.some((job) => job.result?.id === done.imageUUID), "the task is a job like any other");
  });

  test("HTTP: webhookURL gets Runware's { data: [result] } for each image, with the same result getResponse shows", async () => {
    const receiver = new WebhookReceiver(() => 200);
    await receiver.start();
    try {
      const taskUUID = randomUUID();
      const ack = await post(server, [
        { taskType: "imageInference", taskUUID, webhookURL: receiver.url, positivePrompt: "__BLANK__", seedImage: dataUri(seed), outpaint: { bottom: 64 }, model: "runware:102@1", width: 256, height: 320, numberResults: 2 },
      ]);
      assert.deepEqual(ack.data, [{ taskType: "imageInference", taskUUID }]);
      await waitFor("two webhook calls", () => receiver.received.length >= 2);
      const items = receiver.received.map((request) => (JSON.parse(request.body) as { data: Item[] }).data[0]!);
      assert.deepEqual(items.map((entry) => [entry.taskType, entry.taskUUID, entry.status]), [["imageInference", taskUUID, "success"], ["imageInference", taskUUID, "success"]]);
      const polled = await post(server, [{ taskType: "getResponse", taskUUID }]);
      assert.deepEqual(new Set(polled.data!.map((entry) => entry.imageUUID)), new Set(items.map((entry) => entry.imageUUID)));
    } finally {
      await receiver.stop();
    }
  });

  test("WebSocket: authentication answers a session, ping a pong, a task before authentication is refused as invalidApiKey, and the seed's request streams its result", async () => {
    const socket = new WebSocket(`${v1Url(server)}?sdk=js&version=1.3.2`);
    const messages: unknown[] = [];
    socket.on("message", (raw) => messages.push(JSON.parse(raw.toString())));
    await new Promise((resolve) => socket.once("open", resolve));
    const next = (count: number) => waitFor(`${count} messages`, () => messages.length >= count && messages[count - 1]);
    socket.send(JSON.stringify([{ taskType: "getResponse", taskUUID: randomUUID() }]));
    assert.equal(((await next(1)) as { errors: RunwareError[] }).errors[0]!.code, "invalidApiKey");
    socket.send(JSON.stringify([{ taskType: "authentication", apiKey: "keyless" }]));
    const session = ((await next(2)) as { data: { taskType: string; connectionSessionUUID: string }[] }).data[0]!;
    assert.equal(session.taskType, "authentication");
    assert.match(session.connectionSessionUUID, /^[0-9a-f-]{36}$/);
    socket.send(JSON.stringify([{ taskType: "ping", ping: true }]));
    assert.deepEqual(await next(3), { data: [{ taskType: "ping", pong: true }] });
    // The seed's request shape over the socket: the answer comes as its own frame, naming its task.
    const taskUUID = randomUUID();
    socket.send(
      JSON.stringify([
        { taskType: "imageInference", taskUUID, positivePrompt: "__BLANK__", seedImage: dataUri(seed), outpaint: { top: 64, right: 64, bottom: 64, left: 64 }, model: "runware:102@1", width: 384, height: 384, steps: 40 },
      ]),
    );
    const [result] = ((await next(4)) as { data: Item[] }).data;
    assert.deepEqual([result!.taskType, result!.taskUUID], ["imageInference", taskUUID]);
    assert.equal((await sharp(Buffer.from(await (await fetch(result!.imageURL!)).arrayBuffer())).metadata()).width, 384);
    socket.close();
  });
});

describe("Runware's API with API keys", () => {
  let server: ServerProcess;
  let key = "";
  before(async () => {
    server = await ServerProcess.start();
    const created = await server.cli("keys", "create", "--owner", "runware-user");
    assert.equal(created.code, 0, created.stderr);
    key = created.stdout.trim();
  });
  after(async () => {
    await server.dispose();
  });

  test("the key is the server's API key: Bearer or an authentication task over HTTP, the SDK's apiKey over WebSocket; a wrong one is invalidApiKey", async () => {
    const ping = [{ taskType: "ping", ping: true }];
    assert.deepEqual(await post(server, ping), { status: 401, errors: [{ code: "invalidApiKey", message: "An API key is required: send the header Authorization: Bearer <key>", parameter: "apiKey", type: "string", taskType: "authentication" }] });
    assert.equal((await post(server, ping, key)).status, 200);
    assert.equal((await post(server, [{ taskType: "authentication", apiKey: key }, ...ping])).status, 200);

    const wrong = sdk(server, "opk_not-a-key");
    const refused = await wrong.ensureConnection().then(
      () => null,
      (error: unknown) => error,
    );
    assert.equal((refused as { error?: RunwareError })?.error?.code, "invalidApiKey", JSON.stringify(refused));
    await wrong.disconnect();

    // Authentication and a task in one message, as over HTTP: the task runs as the key's owner.
    const raw = new WebSocket(v1Url(server));
    const frames: { data?: { taskType: string }[]; errors?: RunwareError[] }[] = [];
    raw.on("message", (message) => frames.push(JSON.parse(message.toString())));
    await new Promise((resolve) => raw.once("open", resolve));
    raw.send(JSON.stringify([{ taskType: "authentication", apiKey: key }, { taskType: "getResponse", taskUUID: randomUUID() }]));
    await waitFor("two frames", () => frames.length >= 2);
    assert.equal(frames[0]!.data?.[0]?.taskType, "authentication");
    assert.equal(frames[1]!.errors?.[0]?.code, "taskNotFound", JSON.stringify(frames[1]));
    raw.close();

    const right = sdk(server, key);
    await right.ensureConnection();
    const png = await sharp({ create: { width: 128, height: 128, channels: 3, background: "#3a6" } }).png().toBuffer();
    const [image] = (await right.requestImages({ positivePrompt: "__BLANK__", model: "runware:102@1", seedImage: dataUri(png), outpaint: { left: 64 }, width: 192, height: 128 })) as unknown as Item[];
    assert.ok(image?.imageUUID);
    await right.disconnect();
    assert.equal(await jobCount(server, key), 1, "the job is the key owner's");
  });
});
