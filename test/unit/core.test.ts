import assert from "node:assert/strict";
import { test } from "node:test";
import { described, describeReceived, InputError } from "../../src/core/errors.js";
import { newId } from "../../src/core/ids.js";
import { aggregateStatus } from "../../src/core/job.js";
import { encodeCursor, pageRequest, toPage } from "../../src/core/pagination.js";
import { loadSettings, SettingsError } from "../../src/infrastructure/config/settings.js";

test("ids are UUIDv7 and strictly increasing within a process", () => {
  const ids = Array.from({ length: 5000 }, () => newId());
  assert.ok(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)));
  assert.ok(ids.every((id) => id[14] === "7"));
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i]! > ids[i - 1]!, `${ids[i - 1]} then ${ids[i]}`);
});

test("received values are quoted, described values are not, long ones are cut", () => {
  assert.equal(describeReceived("abc"), '"abc"');
  assert.equal(describeReceived(-5), "-5");
  assert.equal(describeReceived(undefined), "nothing");
  assert.equal(describeReceived(described("a gif image")), "a gif image");
  assert.match(describeReceived("x".repeat(200)), /^"x{80}…" \(200 characters\)$/);
  assert.equal(new InputError("blur", "an integer between 0 and 64", 65).message, "Expected an integer between 0 and 64 for blur but received 65");
});

test("pagination cursors round-trip and bad ones are refused", () => {
  const request = pageRequest(2, encodeCursor("id-1"));
  assert.deepEqual(request, { first: 2, afterId: "id-1" });
  const page = toPage([{ id: "a" }, { id: "b" }, { id: "c" }], request, 10);
  assert.deepEqual(page, { nodes: [{ id: "a" }, { id: "b" }], hasNextPage: true, endCursor: encodeCursor("b"), totalCount: 10 });
  assert.throws(() => pageRequest(101, null), /between 0 and 100 for first/);
  assert.throws(() => pageRequest(10, "garbage"), /endCursor returned by this list for after/);
});

test("a prompt's status summarises its jobs", () => {
  assert.equal(aggregateStatus(["QUEUED", "QUEUED"]), "QUEUED");
  assert.equal(aggregateStatus(["SUCCEEDED", "QUEUED"]), "RUNNING");
  assert.equal(aggregateStatus(["SUCCEEDED", "CANCELLED"]), "SUCCEEDED");
  assert.equal(aggregateStatus(["SUCCEEDED", "FAILED"]), "FAILED");
  assert.equal(aggregateStatus(["CANCELLED"]), "CANCELLED");
});

test("settings: defaults, and every bad value reported at once", () => {
  const settings = loadSettings({}, "/srv/outpaint");
  assert.equal(settings.port, 4000);
  assert.equal(settings.host, "127.0.0.1");
  assert.equal(settings.dataDir, "/srv/outpaint/data");
  assert.equal(settings.databaseUrl, "file:/srv/outpaint/data/outpaint.db");
  assert.equal(loadSettings({ DATABASE_URL: "file:./x.db" }, "/srv").databaseUrl, "file:/srv/x.db");
  assert.throws(
    () => loadSettings({ PORT: "70000", LOG_LEVEL: "loud", DATABASE_URL: "mysql://x", MAX_EXTEND_PER_PASS: "64" }, "/srv"),
    (error: unknown) =>
      error instanceof SettingsError &&
      error.problems.length === 4 &&
      /PORT but received "70000"/.test(error.message) &&
      /Expected 0 \(no limit\) or an integer between 128 and 8192 for MAX_EXTEND_PER_PASS but received "64"/.test(error.message),
  );
  assert.deepEqual(settings.maxExtendPerPass, { FLUX_FILL_TRT: 512, CPU_FILL: 0 });
});

test("settings: deployment roles, PostgreSQL and Redis", () => {
  const defaults = loadSettings({}, "/srv");
  assert.equal(defaults.role, "all");
  assert.equal(defaults.redisUrl, undefined);
  const worker = loadSettings(
    { ROLE: "worker", REDIS_URL: "redis://cache:6379", DATABASE_URL: "postgresql://u:p@db:5432/outpaint", PUBLIC_URL: "https://o.example.com" },
    "/srv",
  );
  assert.equal(worker.databaseUrl, "postgresql://u:p@db:5432/outpaint");
  assert.equal(worker.queuePrefix, "outpaint");
  const problems = (env: Record<string, string>) => {
    try {
      loadSettings(env, "/srv");
      return [];
    } catch (error) {
      return (error as SettingsError).problems;
    }
  };
  assert.deepEqual(problems({ ROLE: "serve" }), [
    "Expected REDIS_URL to be set for ROLE serve (separate API and worker processes share the queue through Redis) but received nothing",
  ]);
  assert.deepEqual(problems({ ROLE: "api" }), ['Expected one of all, serve, worker for ROLE but received "api"']);
  assert.match(problems({ ROLE: "worker", REDIS_URL: "redis://r" })[0]!, /Expected PUBLIC_URL .* for ROLE worker but received nothing/);
  // A password in a bad URL is not echoed.
  assert.deepEqual(problems({ REDIS_URL: "http://user:secret@r:6379" }), [
    'Expected redis://[user:password@]host:port[/db] or rediss://... for REDIS_URL but received "http://user:***@r:6379"',
  ]);
  assert.deepEqual(problems({ QUEUE_PREFIX: "a:b" }), ['Expected 1 to 64 letters, digits, _ or - for QUEUE_PREFIX but received "a:b"']);
});
