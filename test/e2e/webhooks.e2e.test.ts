import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { gqlData, uploadImage } from "../helpers/graphql-client.js";
import { createJob, waitForEnd } from "../helpers/jobs.js";
import { photo } from "../helpers/paths.js";
import { ServerProcess } from "../helpers/server-process.js";
import { WebhookReceiver } from "../helpers/webhook-receiver.js";
import { waitFor } from "../helpers/wait.js";
import { execute } from "../helpers/database.js";

const SECRET = `whsec_${Buffer.from("a test secret of thirty-two bytes").toString("base64")}`;

/** Standard Webhooks verification, written out here from the scheme rather than taken from the server. */
function signatureVerifies(headers: Record<string, string | string[] | undefined>, body: string): boolean {
  const id = headers["webhook-id"] as string;
  const timestamp = headers["webhook-timestamp"] as string;
  const key = Buffer.from(SECRET.slice("whsec_".length), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return (headers["webhook-signature"] as string).split(" ").includes(`v1,${expected}`);
}

let server: ServerProcess;
let receiver: WebhookReceiver;
before(async () => {
  // The first two requests fail; every later one succeeds.
  receiver = new WebhookReceiver((index) => (index < 2 ? 500 : 204));
  await receiver.start();
  // The receiver is on loopback, which callbacks may only reach when allowed.
  server = await ServerProcess.start({
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_RETRY_BASE_MS: "300",
    WEBHOOK_RETRY_MAX_MS: "1500",
    // A delivery the crashed process had claimed waits out its lease (timeout + 5 s) before
    // another process sends it again; a short timeout keeps that within the test's patience.
    WEBHOOK_TIMEOUT_MS: "3000",
    URL_FETCH_ALLOW: "127.0.0.1",
  });
});
after(async () => {
  await receiver.stop();
  await server.dispose();
});

test("every event arrives despite failed deliveries and a receiver down across a server crash; same id each try; signatures verify", async () => {
  const imageId = (await uploadImage(server.url, readFileSync(photo("chelsea.png")), "image/png")).id;
  const tunes = await gqlData<{ tunes: { nodes: { id: string }[] } }>(server.graphqlUrl, "{ tunes { nodes { id } } }");

  // Two jobs with their own callbacks, and a prompt of two images with one.
  const jobs = [
    await createJob(server.graphqlUrl, { image: { id: imageId }, extend: { right: 32 }, callbackUrl: receiver.url }),
    await createJob(server.graphqlUrl, { image: { id: imageId }, extend: { left: 32 }, callbackUrl: receiver.url }),
  ];
  const prompt = await gqlData<{ createPrompt: { id: string; jobs: { id: string }[] } }>(
    server.graphqlUrl,
    `mutation($tuneId: ID!, $input: PromptInput!) { createPrompt(tuneId: $tuneId, input: $input) { id jobs { id } } }`,
    {
      tuneId: tunes.tunes.nodes[0]!.id,
      input: { text: "--outpaint left-center --outpaint_width 520", inputImage: { id: imageId }, numImages: 2, callbackUrl: receiver.url },
    },
  );
  for (const job of [...jobs, ...prompt.createPrompt.jobs]) assert.equal((await waitForEnd(server.graphqlUrl, job.id)).status, "SUCCEEDED");

  // Wait for the two failed answers, then take the receiver down and crash the server.
  await waitFor("two delivery attempts", () => receiver.received.length >= 2, 20);
  await receiver.stop();
  await server.kill();
  await server.restart();
  await new Promise((resolve) => setTimeout(resolve, 1000)); // retries now hit a closed port
  await receiver.start();

  const expectedEvents = 3; // job, job, prompt
  const delivered = async () =>
    new Set(receiver.received.filter((request) => request.answeredWith === 204).map((request) => request.headers["webhook-id"])).size;
  await waitFor(async () => `${expectedEvents} events delivered (${await delivered()} so far)`, async () => (await delivered()) >= expectedEvents);

  const byId = new Map<string, { bodies: Set<string>; tries: number }>();
  for (const request of receiver.received) {
    assert.ok(signatureVerifies(request.headers, request.body), "signature verifies");
    assert.ok(Math.abs(Date.now() / 1000 - Number(request.headers["webhook-timestamp"])) < 120, "fresh timestamp");
    const id = request.headers["webhook-id"] as string;
    const entry = byId.get(id) ?? { bodies: new Set(), tries: 0 };
    entry.bodies.add(request.body);
    entry.tries++;
    byId.set(id, entry);
  }
  assert.equal(byId.size, expectedEvents, "one id per event");
  for (const [id, entry] of byId) assert.equal(entry.bodies.size, 1, `event ${id} was sent with one body on every try`);
  assert.ok([...byId.values()].some((entry) => entry.tries >= 2), "a failed event was retried under its first id");

  const events = [...byId.values()].map((entry) => JSON.parse([...entry.bodies][0]!) as { type: string; data: { id: string; images?: string[] } });
  assert.deepEqual(events.map((event) => event.type).sort(), ["job.succeeded", "job.succeeded", "prompt.succeeded"]);
  const promptEvent = events.find((event) => event.type === "prompt.succeeded")!;
  assert.equal(promptEvent.data.id, prompt.createPrompt.id);
  assert.equal(promptEvent.data.images?.length, 2);

  // The delivery state is queryable; the server records it just after the receiver has answered
  // (or, when the crash came between the answer and the record, after the claim's lease, 8 s,
  // runs out and the event is sent again: at least once).
  const states = async () => {
    const { job } = await gqlData<{ job: { webhookDeliveries: { status: string; attempts: number; eventType: string }[] } }>(
      server.graphqlUrl,
      `query($id: ID!) { job(id: $id) { webhookDeliveries { status attempts eventType } } }`,
      { id: jobs[0]!.id },
    );
    const { prompt: promptState } = await gqlData<{ prompt: { webhookDeliveries: { status: string }[] } }>(
      server.graphqlUrl,
      `query($id: ID!) { prompt(id: $id) { webhookDeliveries { status } } }`,
      { id: prompt.createPrompt.id },
    );
    return [...job.webhookDeliveries, ...promptState.webhookDeliveries].map((delivery) => delivery.status);
  };
  await waitFor(async () => `every delivery DELIVERED (${JSON.stringify(await states())})`, async () => (await states()).every((status) => status === "DELIVERED"));
  assert.deepEqual(await states(), ["DELIVERED", "DELIVERED"], "one delivery for the job, one for the prompt");
});

test("when a crash ends several of a prompt's jobs at once, the prompt's event is sent once", async () => {
  const crashReceiver = new WebhookReceiver(() => 204);
  await crashReceiver.start();
  const crashing = await ServerProcess.start({
    JOB_CONCURRENCY: "2",
    MAX_JOB_ATTEMPTS: "1",
    WEBHOOK_RETRY_BASE_MS: "200",
    URL_FETCH_ALLOW: "127.0.0.1",
  });
  try {
    const imageId = (await uploadImage(crashing.url, readFileSync(photo("coffee.png")), "image/png")).id;
    const tuneId = (await gqlData<{ tunes: { nodes: { id: string }[] } }>(crashing.graphqlUrl, "{ tunes { nodes { id } } }")).tunes.nodes[0]!.id;
    const prompt = await gqlData<{ createPrompt: { id: string; jobs: { id: string }[] } }>(
      crashing.graphqlUrl,
      `mutation($tuneId: ID!, $input: PromptInput!) { createPrompt(tuneId: $tuneId, input: $input) { id jobs { id } } }`,
      {
        tuneId,
        input: { text: "--outpaint center --outpaint_width 3600 --outpaint_height 2600", inputImage: { id: imageId }, numImages: 2, callbackUrl: crashReceiver.url },
      },
    );
    await waitFor("both jobs running at once", async () => {
      const running = await gqlData<{ jobs: { totalCount: number } }>(crashing.graphqlUrl, "{ jobs(status: RUNNING) { totalCount } }");
      return running.jobs.totalCount === 2;
    }, 20);
    await crashing.kill();
    await crashing.restart(); // recovery: both runs were the last allowed, so both jobs fail

    for (const job of prompt.createPrompt.jobs) assert.equal((await waitForEnd(crashing.graphqlUrl, job.id)).status, "FAILED");
    // Both jobs have ended, so every prompt event there is to send is queued: wait until each is delivered.
    const deliveries = async () =>
      (
        await gqlData<{ prompt: { webhookDeliveries: { status: string }[] } }>(
          crashing.graphqlUrl,
          `query($id: ID!) { prompt(id: $id) { webhookDeliveries { status } } }`,
          { id: prompt.createPrompt.id },
        )
      ).prompt.webhookDeliveries.map((delivery) => delivery.status);
    await waitFor(async () => `the prompt's deliveries DELIVERED (${JSON.stringify(await deliveries())})`, async () => {
      const statuses = await deliveries();
      return statuses.length > 0 && statuses.every((status) => status === "DELIVERED");
    });
    assert.deepEqual(await deliveries(), ["DELIVERED"], "one delivery of the prompt's event");
    const ids = new Set(crashReceiver.received.map((request) => request.headers["webhook-id"]));
    assert.equal(ids.size, 1, "one prompt event");
    assert.equal((JSON.parse(crashReceiver.received[0]!.body) as { type: string }).type, "prompt.failed");
  } finally {
    await crashReceiver.stop();
    await crashing.dispose();
  }
});

test("without the allow list, a callback on loopback is refused at delivery: a failed attempt naming the address, nothing sent", async () => {
  const target = new WebhookReceiver(() => 500);
  await target.start();
  // Submission-time checks would refuse this callback, so the event is queued by a server that
  // allows loopback; the same data directory is then served by one that does not, as after an
  // operator narrows the allow list or a callback's name starts resolving to a private address.
  // Its retry is far off, so it cannot make a second attempt however slowly the test runs; the test
  // then makes the delivery due itself (also were the kill to land mid-attempt, inside its claim).
  const allowing = await ServerProcess.start({
    URL_FETCH_ALLOW: "127.0.0.1",
    WEBHOOK_RETRY_BASE_MS: "3600000",
    WEBHOOK_MAX_ATTEMPTS: "2",
  });
  let strict: ServerProcess | null = null;
  try {
    const imageId = (await uploadImage(allowing.url, readFileSync(photo("chelsea.png")), "image/png")).id;
    const job = await createJob(allowing.graphqlUrl, { image: { id: imageId }, extend: { right: 32 }, callbackUrl: target.url });
    assert.equal((await waitForEnd(allowing.graphqlUrl, job.id)).status, "SUCCEEDED");
    await waitFor("the allowing server's try of the callback", () => target.received.length > 0, 20);
    await allowing.kill();
    await execute(allowing.databaseUrl, `UPDATE "WebhookDelivery" SET "nextAttemptAt" = '2020-01-01T00:00:00.000+00:00' WHERE status = 'PENDING'`);
    strict = await ServerProcess.start(
      { WEBHOOK_RETRY_BASE_MS: "200", WEBHOOK_MAX_ATTEMPTS: "2", DATABASE_URL: allowing.databaseUrl },
      allowing.dataDir,
    );

    type Delivery = { status: string; attempts: number; lastStatus: number | null; lastError: string | null };
    let delivery: Delivery | undefined;
    await waitFor(
      () => `the delivery to fail: ${JSON.stringify(delivery)}`,
      async () => {
        const state = await gqlData<{ job: { webhookDeliveries: Delivery[] } }>(
          strict!.graphqlUrl,
          `query($id: ID!) { job(id: $id) { webhookDeliveries { status attempts lastStatus lastError } } }`,
          { id: job.id },
        );
        delivery = state.job.webhookDeliveries[0];
        return delivery?.status === "FAILED";
      },
      100,
    );
    assert.ok(delivery);
    assert.equal(delivery.attempts, 2);
    assert.equal(delivery.lastStatus, null);
    assert.match(delivery.lastError ?? "", /127\.0\.0\.1, a loopback address/);
    assert.equal(target.received.length, 1, "only the allowing server's attempt reached the receiver");
  } finally {
    await target.stop();
    if (strict) await strict.dispose();
    else await allowing.dispose();
  }
});
