import assert from "node:assert/strict";
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { pino } from "pino";
import { InputError } from "../../src/core/errors.js";
import type { WebhookDeliveryRecord } from "../../src/core/webhook.js";
import type { Database } from "../../src/infrastructure/db/database.js";
import type { AttemptOutcome } from "../../src/infrastructure/db/webhook.repository.js";
import { Metrics } from "../../src/infrastructure/metrics/metrics.js";
import { AddressPolicy, type Resolve } from "../../src/infrastructure/net/address-policy.js";
import { pinnedLookup } from "../../src/infrastructure/net/pinned-lookup.js";
import { WebhookDispatcher } from "../../src/services/webhooks/webhook-dispatcher.js";

/** A resolver answering from a fixed table, so no test depends on real DNS. */
function resolver(table: Record<string, string[]>): Resolve {
  return async (host) => {
    const addresses = table[host];
    if (!addresses) throw new Error(`ENOTFOUND ${host}`);
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
}

const noDns: Resolve = async (host) => assert.fail(`looked up ${host}`);

async function refusal(policy: AddressPolicy, url: string, field = "callbackUrl"): Promise<InputError> {
  const error = await policy.vetUrl(url, field).then(
    () => assert.fail(`${url} was accepted`),
    (error: unknown) => error,
  );
  assert.ok(error instanceof InputError, String(error));
  assert.equal(error.field, field);
  assert.equal(error.code, "BAD_USER_INPUT");
  return error;
}

describe("address policy", () => {
  const strict = new AddressPolicy([], noDns);

  test("refuses non-public IPv4 addresses, naming the field and the kind of address", async () => {
    const cases: [string, RegExp][] = [
      ["127.0.0.1", /a loopback address/],
      ["127.8.9.10", /a loopback address/],
      ["10.0.0.5", /a private address/],
      ["172.16.5.4", /a private address/],
      ["172.31.255.255", /a private address/],
      ["192.168.1.1", /a private address/],
      ["100.64.0.1", /carrier-grade NAT/],
      ["169.254.1.1", /a link-local address/],
      ["0.0.0.0", /an unspecified address/],
      ["224.0.0.1", /a multicast address/],
      ["198.18.0.1", /a reserved address/],
      ["255.255.255.255", /a reserved address/],
    ];
    for (const [address, kind] of cases) {
      const error = await refusal(strict, `http://${address}:8080/hook`);
      assert.match(error.message, kind, address);
      assert.ok(error.message.includes(address), error.message);
    }
  });

  test("the message follows the one input error template", async () => {
    const error = await refusal(strict, "https://10.0.0.5/hook");
    assert.equal(error.message, "Expected a URL on a public address for callbackUrl but received 10.0.0.5, a private address");
  });

  test("refuses the cloud metadata address as such", async () => {
    const error = await refusal(strict, "http://169.254.169.254/latest/meta-data", "image.url");
    assert.match(error.message, /^Expected a URL on a public address for image\.url but received 169\.254\.169\.254, the cloud metadata address$/);
    assert.match((await refusal(strict, "http://[fd00:ec2::254]/latest")).message, /cloud metadata/);
  });

  test("refuses non-public IPv6 addresses, IPv4-mapped ones judged by the IPv4 address they reach", async () => {
    const cases: [string, RegExp][] = [
      ["::1", /a loopback address/],
      ["::", /an unspecified address/],
      ["fc00::1", /a private address/],
      ["fd12:3456::1", /a private address/],
      ["fe80::1", /a link-local address/],
      ["ff02::1", /a multicast address/],
      ["64:ff9b::a00:1", /a NAT64 address/],
      ["::7f00:1", /a reserved address/],
      ["::ffff:127.0.0.1", /a loopback address/],
      ["0:0:0:0:0:ffff:7f00:1", /a loopback address/],
      ["::ffff:10.1.2.3", /a private address/],
      ["::ffff:169.254.169.254", /cloud metadata/],
    ];
    for (const [address, kind] of cases) assert.match((await refusal(strict, `http://[${address}]:9000/`)).message, kind, address);
  });

  test("accepts public addresses, IPv4, IPv6 and IPv4-mapped, without a DNS lookup for literals", async () => {
    for (const [url, address, family] of [
      ["http://93.184.216.34/a.png", "93.184.216.34", 4],
      ["https://8.8.8.8:8443/hook", "8.8.8.8", 4],
      ["https://172.32.0.1/hook", "172.32.0.1", 4],
      ["http://[2606:4700::1111]/hook", "2606:4700::1111", 6],
      ["http://[::ffff:8.8.8.8]/hook", "::ffff:808:808", 6],
    ] as const) {
      assert.deepEqual(await strict.vet(new URL(url), "callbackUrl"), { address, family }, url);
      await strict.vetUrl(url, "callbackUrl");
    }
  });

  test("a host name is judged by what it resolves to: localhost is loopback", async () => {
    const system = new AddressPolicy([]);
    const error = await refusal(system, "http://localhost:3000/hook");
    assert.match(error.message, /received localhost \((127\.0\.0\.1|::1)\), a loopback address$/);
  });

  test("a host name is refused when any of its addresses is, whichever comes first", async () => {
    const mixed = new AddressPolicy([], resolver({ "mixed.test": ["8.8.8.8", "10.0.0.7"], "mixed6.test": ["::1", "8.8.4.4"] }));
    assert.match((await refusal(mixed, "http://mixed.test/")).message, /mixed\.test \(10\.0\.0\.7\), a private address/);
    assert.match((await refusal(mixed, "http://mixed6.test/")).message, /mixed6\.test \(::1\), a loopback address/);
  });

  test("a public host name answers its first address, the one to connect to", async () => {
    const policy = new AddressPolicy([], resolver({ "hooks.example.com": ["2606:4700:4700::1111", "1.1.1.1"] }));
    assert.deepEqual(await policy.vet(new URL("https://hooks.example.com/x"), "callbackUrl"), { address: "2606:4700:4700::1111", family: 6 });
  });

  test("an unresolvable host is refused", async () => {
    const policy = new AddressPolicy([], resolver({}));
    const error = await refusal(policy, "https://nowhere.test/hook");
    assert.equal(error.message, "Expected a URL whose host resolves for callbackUrl but received unresolvable host nowhere.test");
  });

  test("only absolute http and https URLs are accepted", async () => {
    for (const url of ["file:///etc/passwd", "ftp://example.com/hook", "gopher://127.0.0.1:6379/_INFO", "javascript:alert(1)", "my server", "/relative/path", ""]) {
      const error = await refusal(strict, url, "image.url");
      assert.equal(error.message, `Expected an absolute http or https URL for image.url but received ${JSON.stringify(url)}`);
      assert.throws(() => strict.parse(url, "image.url"), InputError);
    }
    assert.equal(strict.parse("HTTPS://Example.COM/a", "image.url").href, "https://example.com/a");
  });

  test("the allow list admits hosts by name", async () => {
    const policy = new AddressPolicy(["localhost", "Intranet.Test"], resolver({ localhost: ["127.0.0.1", "::1"], "intranet.test": ["10.9.8.7"] }));
    assert.deepEqual(await policy.vet(new URL("http://localhost:3000/"), "callbackUrl"), { address: "127.0.0.1", family: 4 });
    assert.deepEqual(await policy.vet(new URL("http://intranet.test/"), "callbackUrl"), { address: "10.9.8.7", family: 4 });
    // The name is allowed, not the address: reaching it by IP is still refused.
    await refusal(policy, "http://127.0.0.1:3000/");
  });

  test("the allow list admits addresses and CIDR ranges, IPv4 and IPv6", async () => {
    const policy = new AddressPolicy(["127.0.0.1", "10.0.0.0/8", "::1", "[fd00::]/8"], noDns);
    for (const url of ["http://127.0.0.1:1/", "http://[::ffff:127.0.0.1]/", "http://10.200.3.4/", "http://[::1]/", "http://[fd00::5]/"]) {
      await policy.vetUrl(url, "callbackUrl");
    }
    for (const url of ["http://127.0.0.2/", "http://192.168.0.1/", "http://169.254.169.254/", "http://[fc00::1]/"]) await refusal(policy, url);
    const named = new AddressPolicy(["10.0.0.0/8"], resolver({ "db.internal": ["10.1.1.1"], "mixed.internal": ["10.1.1.1", "192.168.1.1"] }));
    await named.vetUrl("http://db.internal/", "callbackUrl");
    assert.match((await refusal(named, "http://mixed.internal/")).message, /192\.168\.1\.1/);
  });

  test("a malformed allow list entry is a start-up error, not silently ignored", () => {
    // A port, scheme or path would never match a URL's host: refused rather than silently inert.
    for (const entry of ["10.0.0.0/33", "10.0.0.0/abc", "::1/129", "example.com/8", "", "127.0.0.1:4799", "localhost:80", "[::1]:80", "http://example.com", "example.com/path", "a b"]) {
      assert.throws(() => new AddressPolicy([entry]), /URL allow list/, entry);
    }
  });
});

/** A loopback HTTP server recording each request's path and headers. */
class Receiver {
  readonly requests: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
  readonly #server: Server;
  port = 0;
  constructor(answer: (path: string) => { status: number; headers?: Record<string, string> }) {
    this.#server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        this.requests.push({ path: req.url ?? "", headers: req.headers, body });
        const { status, headers } = answer(req.url ?? "");
        res.writeHead(status, headers).end();
      });
    });
  }
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.port = (this.#server.address() as AddressInfo).port;
  }
  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

describe("connecting to the vetted address", () => {
  let receiver: Receiver;
  before(async () => {
    receiver = new Receiver((path) => (path === "/moved" ? { status: 302, headers: { location: "/elsewhere" } } : { status: 204 }));
    await receiver.start();
  });
  after(async () => {
    await receiver.stop();
  });

  test("pinnedLookup connects to the given IP whatever the name, and keeps the name in the Host header", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`http://rebinding.invalid:${receiver.port}/pinned`, { lookup: pinnedLookup("127.0.0.1", 4), agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(status, 204);
    const last = receiver.requests.at(-1)!;
    assert.equal(last.path, "/pinned");
    assert.equal(last.headers.host, `rebinding.invalid:${receiver.port}`);
  });

  /** Runs a dispatcher over one delivery, with a stand-in database, until its first attempt is recorded. */
  async function deliverOnce(url: string, policy: AddressPolicy): Promise<AttemptOutcome> {
    const delivery: WebhookDeliveryRecord = {
      id: "msg_test",
      jobId: "job",
      promptId: null,
      url,
      eventType: "job.succeeded",
      body: JSON.stringify({ type: "job.succeeded" }),
      status: "PENDING",
      attempts: 0,
      nextAttemptAt: new Date(),
      lastAttemptAt: null,
      lastStatus: null,
      lastError: null,
      deliveredAt: null,
      createdAt: new Date(),
    };
    let pending = [delivery];
    let recorded!: (outcome: AttemptOutcome) => void;
    const outcome = new Promise<AttemptOutcome>((resolve) => (recorded = resolve));
    const db = {
      webhooks: {
        due: async () => pending.splice(0),
        claim: async () => true,
        nextAttemptAt: async () => null,
        recordAttempt: async (_id: string, attempt: AttemptOutcome) => recorded(attempt),
      },
    } as unknown as Database;
    const secret = `whsec_${Buffer.from("a unit test secret of 32 bytes!!").toString("base64")}`;
    const dispatcher = new WebhookDispatcher(db, secret, { timeoutMs: 5000, maxAttempts: 3, retryBaseMs: 1000, retryMaxMs: 1000 }, pino({ level: "silent" }), policy, new Metrics());
    dispatcher.start();
    try {
      return await outcome;
    } finally {
      pending = [];
      await dispatcher.stop();
    }
  }

  test("a webhook to a refused address is a failed attempt naming the address, and nothing is sent", async () => {
    const before = receiver.requests.length;
    const outcome = await deliverOnce(`http://127.0.0.1:${receiver.port}/hook`, new AddressPolicy([]));
    assert.equal(outcome.status, "PENDING");
    assert.equal(outcome.lastStatus, null);
    assert.equal(outcome.lastError, "Expected a URL on a public address for callbackUrl but received 127.0.0.1, a loopback address");
    assert.equal(receiver.requests.length, before, "no request reached the receiver");
  });

  test("a webhook connects to the vetted address with the URL's host name in Host", async () => {
    const policy = new AddressPolicy(["127.0.0.1"], resolver({ "hooks.test": ["127.0.0.1"] }));
    const outcome = await deliverOnce(`http://hooks.test:${receiver.port}/hook`, policy);
    assert.equal(outcome.status, "DELIVERED", String(outcome.lastError));
    const last = receiver.requests.at(-1)!;
    assert.equal(last.headers.host, `hooks.test:${receiver.port}`);
    assert.equal(last.headers["webhook-id"], "msg_test");
    assert.match(String(last.headers["webhook-signature"]), /^v1,/);
    assert.equal(last.body, JSON.stringify({ type: "job.succeeded" }));
  });

  test("a webhook answered with a redirect is a failed attempt; the redirect is not followed", async () => {
    const before = receiver.requests.length;
    const outcome = await deliverOnce(`http://127.0.0.1:${receiver.port}/moved`, new AddressPolicy(["127.0.0.1"]));
    assert.equal(outcome.status, "PENDING");
    assert.equal(outcome.lastStatus, 302);
    assert.equal(outcome.lastError, "HTTP 302");
    assert.deepEqual(receiver.requests.slice(before).map((request) => request.path), ["/moved"]);
  });
});
