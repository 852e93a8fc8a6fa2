import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { loadSettings } from "../../src/infrastructure/config/settings.js";
import { generateSecret, sign } from "../../src/services/webhooks/signature.js";

test("signatures follow Standard Webhooks: HMAC-SHA256 of id.timestamp.body with the secret's bytes", () => {
  const secret = generateSecret();
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  const body = JSON.stringify({ type: "job.succeeded", data: { id: "x" } });
  const expected = createHmac("sha256", Buffer.from(secret.slice(6), "base64")).update(`msg_1.1700000000.${body}`).digest("base64");
  assert.equal(sign(secret, "msg_1", 1700000000, body), `v1,${expected}`);
  assert.notEqual(sign(secret, "msg_1", 1700000001, body), `v1,${expected}`, "the timestamp is signed");
  assert.notEqual(sign(generateSecret(), "msg_1", 1700000000, body), `v1,${expected}`, "so is the secret");
});

test("settings: retention durations and webhook secrets are checked", () => {
  assert.equal(loadSettings({}, "/srv").retentionMs, 30 * 86_400_000);
  assert.equal(loadSettings({ RETENTION: "12h" }, "/srv").retentionMs, 12 * 3_600_000);
  assert.equal(loadSettings({ RETENTION: "0" }, "/srv").retentionMs, 0);
  assert.throws(() => loadSettings({ RETENTION: "a week" }, "/srv"), /duration such as 30d/);
  assert.throws(() => loadSettings({ WEBHOOK_SECRET: "hunter2" }, "/srv"), /Standard Webhooks secret/);
  assert.equal(loadSettings({ WEBHOOK_SECRET: generateSecret() }, "/srv").webhookSecret?.startsWith("whsec_"), true);
});
