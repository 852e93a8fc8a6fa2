import assert from "node:assert/strict";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request as httpRequest } from "node:http";
import { after, before, describe, test } from "node:test";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { bearer, collect, gql, gqlData, uploadImage, wsClient } from "../helpers/graphql-client.js";
import { JOB_FIELDS, JOB_UPDATED, type JobView } from "../helpers/jobs.js";
import { photo } from "../helpers/paths.js";
import { runCli, ServerProcess } from "../helpers/server-process.js";
import { waitFor } from "../helpers/wait.js";

const CREATE = `mutation($input: OutpaintInput!) { createOutpaintJob(input: $input) { ${JOB_FIELDS} input { id url } } }`;

async function createKey(server: ServerProcess, owner: string): Promise<string> {
  const created = await server.cli("keys", "create", "--owner", owner, "--name", `${owner}'s test key`);
  assert.equal(created.code, 0, created.stderr);
  const key = created.stdout.trim();
  assert.match(key, /^opk_[A-Za-z0-9_-]{43}$/);
  return key;
}

function codes(result: { errors?: readonly { extensions?: Record<string, unknown> }[] }): unknown[] {
  return (result.errors ?? []).map((error) => error.extensions?.code);
}

describe("API keys and owners", () => {
  let server: ServerProcess;
  let alice = "";
  let bob = "";
  let job: JobView & { input: { id: string; url: string } };

  before(async () => {
    // No revocation sweep during these tests: a refused operation is refused by its own key check.
    server = await ServerProcess.start({ JOB_CONCURRENCY: "1", KEY_REVOCATION_CHECK: "1h" });
    // Keyless (loopback): work done now belongs to the owner "local".
    const local = await uploadImage(server.url, readFileSync(photo("chelsea.png")), "image/png");
    assert.ok(local.id);
    alice = await createKey(server, "alice");
    bob = await createKey(server, "bob");
    const bytes = readFileSync(photo("coffee.png"));
    const upload = await uploadImage(server.url, bytes, "image/png", alice);
    job = (
      await gqlData<{ createOutpaintJob: typeof job }>(server.graphqlUrl, CREATE, { input: { image: { id: upload.id }, extend: { right: 64 }, infill: "EDGE" } }, alice)
    ).createOutpaintJob;
    job = await waitFor("alice's job to succeed", async () => {
      const polled = (await gqlData<{ job: typeof job }>(server.graphqlUrl, `query($id: ID!) { job(id: $id) { ${JOB_FIELDS} input { id url } } }`, { id: job.id }, alice)).job;
      return polled.status === "SUCCEEDED" && polled;
    }, 100);
  });
  after(async () => {
    await server.dispose();
  });

  test("once a key exists, every request needs a valid one: GraphQL, REST, uploads, WebSocket", async () => {
    for (const key of [undefined, "opk_not-a-real-key", "Basic abc"]) {
      const response = await fetch(server.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...(key?.startsWith("Basic") ? { Authorization: key } : bearer(key)) },
        body: JSON.stringify({ query: "{ tunes { totalCount } }" }),
      });
      assert.equal(response.status, 401, String(key));
      assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer/);
      const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
      assert.equal(body.errors[0]!.extensions.code, "UNAUTHENTICATED");
    }
    const upload = await fetch(`${server.url}/v1/images`, { method: "POST", headers: { "content-type": "image/png" }, body: readFileSync(photo("coffee.png")) });
    assert.equal(upload.status, 401);
    assert.equal(((await upload.json()) as { error: { code: string } }).error.code, "UNAUTHENTICATED");
    const astria = await fetch(`${server.url}/tunes/1504944/prompts/nope`);
    assert.equal(astria.status, 401);

    const anonymous = wsClient(server.wsUrl);
    await assert.rejects(collect(anonymous, JOB_UPDATED, { id: job.id }), (event: { code?: number }) => event.code === 4403);
    await anonymous.dispose();

    assert.equal((await gqlData<{ tunes: { totalCount: number } }>(server.graphqlUrl, "{ tunes { totalCount } }", {}, alice)).tunes.totalCount, 1);
  });

  test("a second key cannot read, list, cancel, subscribe to, reuse or download the first's work", async () => {
    const asBob = (query: string, variables: Record<string, unknown> = {}) => gql(server.graphqlUrl, query, variables, bob);
    assert.equal((await asBob("query($id: ID!) { job(id: $id) { id } }", { id: job.id })).data!.job, null);
    assert.equal((await asBob("query($id: ID!) { image(id: $id) { id } }", { id: job.input.id })).data!.image, null);
    assert.equal((await asBob("{ jobs { totalCount } }")).data!.jobs.totalCount, 0);
    assert.deepEqual(codes(await asBob("mutation($id: ID!) { cancelJob(id: $id) { id } }", { id: job.id })), ["NOT_FOUND"]);
    const reuse = await asBob(CREATE, { input: { image: { id: job.input.id }, extend: { right: 64 } } });
    assert.deepEqual(codes(reuse), ["BAD_USER_INPUT"]);
    assert.equal(reuse.errors![0]!.extensions!.field, "image.id");

    const bobSocket = wsClient(server.wsUrl, bob);
    const messages = await collect(bobSocket, JOB_UPDATED, { id: job.id }).catch((errors: unknown) => [{ errors }]);
    await bobSocket.dispose();
    assert.equal(JSON.stringify(messages).includes("NOT_FOUND"), true, JSON.stringify(messages));

    // Image URLs are signed: the owner's URL works without a key, the id alone does not, and
    // another owner's key gets nothing even with the signed URL.
    const resultUrl = job.result!.url;
    assert.match(resultUrl, /\?exp=\d+&sig=[A-Za-z0-9_-]{22}$/);
    assert.equal((await fetch(resultUrl)).status, 200);
    assert.equal((await fetch(resultUrl, { headers: bearer(alice) })).status, 200);
    assert.equal((await fetch(resultUrl, { headers: bearer(bob) })).status, 404);
    const unsigned = resultUrl.replace(/\?.*$/, "");
    assert.equal((await fetch(unsigned)).status, 404);
    assert.equal((await fetch(`${unsigned}?sig=AAAAAAAAAAAAAAAAAAAAAA`)).status, 404);
    assert.equal((await fetch(unsigned, { headers: bearer(alice) })).status, 200);
  });

  test("prompts: another owner cannot read, list, follow or fetch them over Astria's REST", async () => {
    const form = new FormData();
    form.set("prompt[text]", "--outpaint center --outpaint_width 600");
    form.set("prompt[input_image]", new Blob([readFileSync(photo("chelsea.png"))]), "chelsea.png");
    const created = await fetch(`${server.url}/tunes/1504944/prompts`, { method: "POST", headers: bearer(alice), body: form });
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    assert.equal((await fetch(`${server.url}/tunes/1504944/prompts/${id}`, { headers: bearer(alice) })).status, 200);
    assert.equal((await fetch(`${server.url}/tunes/1504944/prompts/${id}`, { headers: bearer(bob) })).status, 404);
    const asBob = await gql(server.graphqlUrl, "query($id: ID!) { prompt(id: $id) { id } prompts { totalCount } }", { id }, bob);
    assert.deepEqual(asBob.data, { prompt: null, prompts: { totalCount: 0 } });
    const socket = wsClient(server.wsUrl, bob);
    const followed = await collect(socket, "subscription($id: ID!) { promptUpdated(id: $id) { id } }", { id }).catch((errors: unknown) => [{ errors }]);
    await socket.dispose();
    assert.ok(JSON.stringify(followed).includes("NOT_FOUND"), JSON.stringify(followed));
  });

  test("tunes: each owner sees the built-in tunes and its own; only the operator sets the default", async () => {
    const created = await gqlData<{ createTune: { id: string } }>(server.graphqlUrl, `mutation { createTune(input: { title: "alice's" }) { id } }`, {}, alice);
    const bobTunes = await gqlData<{ tunes: { nodes: { id: string }[] } }>(server.graphqlUrl, "{ tunes { nodes { id } } }", {}, bob);
    assert.ok(!bobTunes.tunes.nodes.some((tune) => tune.id === created.createTune.id));
    assert.deepEqual(codes(await gql(server.graphqlUrl, "mutation($id: ID!) { deleteTune(id: $id) }", { id: created.createTune.id }, bob)), ["NOT_FOUND"]);
    const defaulted = await gql(server.graphqlUrl, `mutation { createTune(input: { title: "mine", isDefault: true }) { id } }`, {}, alice);
    assert.deepEqual(codes(defaulted), ["FORBIDDEN"]);
  });

  test("a revoked key stops working at once, on open WebSockets too; the CLI lists keys without their secrets", async () => {
    const spare = await createKey(server, "carol");
    assert.equal((await gql(server.graphqlUrl, "{ jobs { totalCount } }", {}, spare)).errors, undefined);
    const listed = await server.cli("keys", "list", "--json");
    const keys = JSON.parse(listed.stdout) as { id: string; owner: string; prefix: string; revokedAt: string | null }[];
    assert.deepEqual(keys.map((key) => key.owner), ["alice", "bob", "carol"]);
    assert.ok(!listed.stdout.includes(spare) && !listed.stdout.includes(alice));
    // An open WebSocket is checked again on every operation.
    const socket = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazyCloseTimeout: 60_000, connectionParams: bearer(spare) });
    const attempt = () => collect(socket, "subscription { jobUpdated(id: \"nope\") { id } }", {}).catch((errors: unknown) => [{ errors }]);
    assert.match(JSON.stringify(await attempt()), /NOT_FOUND/);
    const revoked = await server.cli("keys", "revoke", spare.slice(0, 12));
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.deepEqual(codes(await gql(server.graphqlUrl, "{ jobs { totalCount } }", {}, spare)), ["UNAUTHENTICATED"]);
    assert.match(JSON.stringify(await attempt()), /UNAUTHENTICATED/);
    await socket.dispose();
    const unknown = await server.cli("keys", "revoke", "opk_nothing");
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No API key with id "opk_nothing"/);
  });

  test("a socket that only listens is closed once its key is revoked", async () => {
    const sweeping = await ServerProcess.start({ KEY_REVOCATION_CHECK: "100ms" });
    try {
      const key = await createKey(sweeping, "dave");
      const listener = new WebSocket(sweeping.wsUrl, "graphql-transport-ws");
      const closed = new Promise<number>((resolve) => listener.once("close", (code) => resolve(code)));
      await new Promise<void>((resolve) => {
        listener.once("open", () => listener.send(JSON.stringify({ type: "connection_init", payload: bearer(key) })));
        listener.once("message", () => resolve()); // connection_ack
      });
      const revoked = await sweeping.cli("keys", "revoke", key.slice(0, 12));
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.equal(await closed, 4403, "the listening socket was closed as Forbidden");
    } finally {
      await sweeping.stop();
    }
  });
});

describe("exposure and rate limits", () => {
  test("without keys the server refuses to listen beyond loopback, and says how to fix it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "outpaint-exposed-"));
    try {
      const result = await runCli(["serve"], { DATA_DIR: dataDir, HOST: "0.0.0.0", PORT: "0" });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /Refusing to listen on HOST=0\.0\.0\.0 without API keys/);
      assert.match(result.stderr, /outpaint keys create --owner/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("a keyless server answers only loopback Hosts and its own pages: no DNS rebinding, no cross-site requests", async () => {
    const server = await ServerProcess.start();
    try {
      const { port } = new URL(server.url);
      const status = (headers: Record<string, string>, method = "GET", path = "/healthz") =>
        new Promise<number>((resolve, reject) => {
          const request = httpRequest({ host: "127.0.0.1", port, method, path, headers }, (response) => {
            response.resume();
            resolve(response.statusCode!);
          });
          request.on("error", reject);
          request.end(method === "POST" ? JSON.stringify({ query: "{ tunes { totalCount } }" }) : undefined);
        });
      assert.equal(await status({ host: `127.0.0.1:${port}` }), 200);
      assert.equal(await status({ host: `localhost:${port}` }), 200);
      assert.equal(await status({ host: `attacker.example:${port}` }), 403, "a rebound DNS name is refused");
      const json = { "content-type": "application/json", host: `127.0.0.1:${port}` };
      assert.equal(await status({ ...json, origin: `http://127.0.0.1:${port}` }, "POST", "/graphql"), 200, "the server's own pages");
      assert.equal(await status({ ...json, origin: "https://attacker.example" }, "POST", "/graphql"), 403, "another site's page");
      const socket = new WebSocket(server.wsUrl, "graphql-transport-ws", { origin: "https://attacker.example" });
      const closed = await new Promise<number>((resolve) => {
        socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init" })));
        socket.on("close", (code) => resolve(code));
      });
      assert.equal(closed, 4403);
    } finally {
      await server.dispose();
    }
  });

  test("production mode: no introspection, no stack traces in errors", async () => {
    const server = await ServerProcess.start({ NODE_ENV: "production" });
    try {
      const introspection = await gql(server.graphqlUrl, "{ __schema { types { name } } }");
      assert.deepEqual(codes(introspection), ["GRAPHQL_VALIDATION_FAILED"]);
      const failures = [introspection, await gql(server.graphqlUrl, "{ jobs { nodes { nope } } }"), await gql(server.graphqlUrl, "{ jobs {")];
      for (const failure of failures) {
        for (const error of failure.errors ?? []) assert.equal(error.extensions?.stacktrace, undefined, JSON.stringify(error));
      }
    } finally {
      await server.dispose();
    }
  });

  test("a key over its rate limit gets RATE_LIMITED with Retry-After; other keys are unaffected", async () => {
    const server = await ServerProcess.start({ RATE_LIMIT_PER_MINUTE: "5" });
    try {
      const first = await createKey(server, "first");
      const second = await createKey(server, "second");
      const statuses: number[] = [];
      let limited: Response | null = null;
      for (let i = 0; i < 6; i++) {
        const response = await fetch(server.graphqlUrl, {
          method: "POST",
          headers: { "content-type": "application/json", ...bearer(first) },
          body: JSON.stringify({ query: "{ jobs { totalCount } }" }),
        });
        statuses.push(response.status);
        if (response.status === 429) limited = response;
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
      assert.ok(Number(limited!.headers.get("retry-after")) >= 1);
      const body = (await limited!.json()) as { errors: { extensions: { code: string; retryAfterSeconds: number } }[] };
      assert.equal(body.errors[0]!.extensions.code, "RATE_LIMITED");
      assert.equal((await gql(server.graphqlUrl, "{ jobs { totalCount } }", {}, second)).errors, undefined);
    } finally {
      await server.dispose();
    }
  });
});
