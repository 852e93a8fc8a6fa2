import assert from "node:assert/strict";
import { test } from "node:test";
import type { ImageRecord } from "../../src/core/image.js";
import type { Repositories } from "../../src/infrastructure/db/repositories.js";
import { ImageLinks } from "../../src/services/images/image-links.js";

// The clock is the test's: every call says what time it is.

const HOUR = 3_600_000;
const image = { id: "0196aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee", format: "PNG" } as ImageRecord;
/** The link secret kept in the settings table: the first value offered is kept. */
function settingsOnly(): Repositories {
  const values = new Map<string, string>();
  return { settings: { getOrCreate: async (key: string, value: string) => values.get(key) ?? (values.set(key, value), value) } } as unknown as Repositories;
}
const parse = (url: string) => {
  const query = new URL(url).searchParams;
  return { expires: query.get("exp") ?? undefined, signature: query.get("sig") ?? undefined };
};

test("a signed link works until its expiry (rounded up to the hour), then says it expired", async () => {
  const links = await ImageLinks.open(settingsOnly(), 7 * 24 * HOUR);
  const issued = new Date("2026-12-03T10:20:00Z");
  const url = links.url("http://x", image, issued);
  const { expires, signature } = parse(url);
  assert.equal(Number(expires), Date.parse("2026-12-10T11:00:00Z") / 1000);
  assert.equal(links.check(image.id, expires, signature, new Date("2026-12-10T10:59:59Z")), "VALID");
  assert.equal(links.check(image.id, expires, signature, new Date("2026-12-10T11:00:01Z")), "EXPIRED");
  assert.equal(links.url("http://x", image, new Date("2026-12-03T10:59:00Z")), url, "links given out within the hour are one URL");
});

test("a link whose expiry or id was changed, or that lacks either part, grants nothing", async () => {
  const links = await ImageLinks.open(settingsOnly(), 24 * HOUR);
  const now = new Date("2026-12-03T10:00:00Z");
  const { expires, signature } = parse(links.url("http://x", image, now));
  assert.equal(links.check(image.id, String(Number(expires) + 3600), signature, now), "INVALID");
  assert.equal(links.check(image.id.replace(/e$/, "f"), expires, signature, now), "INVALID");
  assert.equal(links.check(image.id, undefined, signature, now), "INVALID");
  assert.equal(links.check(image.id, "1e12", signature, now), "INVALID");
  assert.equal(links.check(image.id, expires, undefined, now), "INVALID");
});

test("with IMAGE_URL_TTL=0 links never expire and carry no exp", async () => {
  const links = await ImageLinks.open(settingsOnly(), 0);
  const url = links.url("http://x", image, new Date("2026-12-03T10:00:00Z"));
  const { expires, signature } = parse(url);
  assert.equal(expires, undefined);
  assert.equal(links.check(image.id, undefined, signature, new Date("2099-01-01T00:00:00Z")), "VALID");
});
