import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import sharp from "sharp";
import { multipartProperty, send } from "../fuzz/multipart-target.js";
import { bearer, gql, gqlData, uploadImage } from "../helpers/graphql-client.js";
import { CREATE_JOB, JOB_FIELDS, type JobView } from "../helpers/jobs.js";
import { photo } from "../helpers/paths.js";
import { ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

// No request, however malformed, truncated or abandoned, ends the server process or anyone
// else's work: each is answered with a 4xx (or, when the client left, with nothing) and logged as
// the client's doing.

const ERROR_LEVEL = 50;

describe("malformed and abandoned requests", () => {
  let server: ServerProcess;
  let png: Buffer;
  before(async () => {
    server = await ServerProcess.start({ JOB_CONCURRENCY: "1" });
    png = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#4a7" } }).png().toBuffer();
  });
  after(async () => {
    await server.dispose();
  });

  test("fuzz: truncated, corrupted and abandoned multipart bodies on both upload routes get a 2xx or a coded 4xx, and the server lives on", async () => {
    await fc.assert(multipartProperty(server.url, png), { numRuns: 150 });
    assert.deepEqual(server.logs.filter((line) => line.level >= ERROR_LEVEL), [], "nothing a client sent is logged as a server error");
  });

  test("an upload the client abandons midway is no server error: not logged as one, and the next request is served", async () => {
    const before = server.logs.length;
    for (const framing of ["reset-midway", "declared-longer-then-close"] as const) {
      await send(server.url, { label: framing, route: "/v1/images", contentType: "image/png", body: png, framing });
      await send(server.url, { label: framing, route: "/v1/images", contentType: "multipart/form-data; boundary=XX", body: multipartFile(png), framing });
    }
    const upload = await uploadImage(server.url, png, "image/png");
    assert.equal(upload.width, 64);
    assert.deepEqual(server.logs.slice(before).filter((line) => line.level >= ERROR_LEVEL), []);
  });
});

describe("one owner's malformed uploads cannot fail another owner's job", () => {
  let server: ServerProcess;
  before(async () => {
    server = await ServerProcess.start({ JOB_CONCURRENCY: "1" });
  });
  after(async () => {
    await server.dispose();
  });

  test("three truncated multipart uploads on each route while alice's job runs: her job succeeds on its first attempt", async () => {
    const alice = await createKey(server, "alice");
    const bob = await createKey(server, "bob");
    const image = await uploadImage(server.url, readFileSync(photo("chelsea.png")), "image/png", alice);
    const created = await gqlData<{ createOutpaintJob: JobView }>(
      server.graphqlUrl,
      CREATE_JOB,
      { input: { image: { id: image.id }, target: { width: 1600, height: 1200 } } },
      alice,
    );
    const job = created.createOutpaintJob;
    await waitFor("alice's job to run", async () => (await jobOf(server, job.id, alice)).status !== "QUEUED");
    for (let i = 0; i < 3; i++) {
      for (const [path, field] of [["/v1/images", "file"], ["/tunes/1504944/prompts", "prompt[input_image]"]] as const) {
        const answer = await fetch(`${server.url}${path}`, {
          method: "POST",
          headers: { "content-type": "multipart/form-data; boundary=XX", ...bearer(bob) },
          body: `--XX\r\nContent-Disposition: form-data; name="${field}"; filename="a.png"\r\nContent-Type: image/png\r\n\r\nabc`,
        });
        assert.equal(answer.status, 400);
        assert.equal(((await answer.json()) as { error: { code: string } }).error.code, "BAD_USER_INPUT");
      }
    }
    const ended = await waitFor("alice's job to end", async () => {
      const current = await jobOf(server, job.id, alice);
      return ["SUCCEEDED", "FAILED", "CANCELLED"].includes(current.status) && current;
    });
    assert.deepEqual([ended.status, ended.attempts], ["SUCCEEDED", 1]);
  });
});

describe("URL fetches keep one deadline over the whole fetch", () => {
  let server: ServerProcess;
  let trickle: Server;
  let trickleUrl = "";
  before(async () => {
    // Answers with a status line, then one header byte every 50 ms for as long as it is listened to:
    // only a deadline over the whole fetch ends that.
    trickle = createServer({ noDelay: true });
    trickle.on("connection", (socket) => {
      socket.write("HTTP/1.1 200 OK\r\nX-Slow: ");
      const timer = setInterval(() => socket.write("a"), 50);
      socket.on("close", () => clearInterval(timer));
      socket.on("error", () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => trickle.listen(0, "127.0.0.1", resolve));
    trickleUrl = `http://127.0.0.1:${(trickle.address() as AddressInfo).port}/photo.png`;
    server = await ServerProcess.start({ URL_FETCH_TIMEOUT_MS: "1000", URL_FETCH_ALLOW: "127.0.0.1" });
  });
  after(async () => {
    trickle.closeAllConnections();
    trickle.close();
    await server.dispose();
  });

  test("headers that trickle in are cut off at URL_FETCH_TIMEOUT_MS, naming the field", async () => {
    const result = await gql(server.graphqlUrl, CREATE_JOB, { input: { image: { url: trickleUrl }, extend: { right: 64 } } });
    const error = result.errors?.[0];
    assert.equal(error?.extensions?.code, "BAD_USER_INPUT", JSON.stringify(result));
    assert.equal(error?.extensions?.field, "image.url");
    assert.equal(error?.message, "Expected a URL that answers within 1000 ms for image.url but received no answer in time");
  });
});

async function createKey(server: ServerProcess, owner: string): Promise<string> {
  const created = await server.cli("keys", "create", "--owner", owner);
  assert.equal(created.code, 0, created.stderr);
  return created.stdout.trim();
}

async function jobOf(server: ServerProcess, id: string, key: string): Promise<JobView> {
  return (await gqlData<{ job: JobView }>(server.graphqlUrl, `query($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`, { id }, key)).job;
}

function multipartFile(bytes: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from('--XX\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n'),
    bytes,
    Buffer.from("\r\n--XX--\r\n"),
  ]);
}
