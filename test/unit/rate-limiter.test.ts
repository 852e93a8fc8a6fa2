import assert from "node:assert/strict";
import { test } from "node:test";
import { RateLimitedError } from "../../src/core/errors.js";
import { isLoopbackHost } from "../../src/server/loopback.js";
import { RateLimiter } from "../../src/server/rate-limiter.js";

test("rate limiter: a bucket of perMinute tokens per key, refilled continuously, with the wait in the error", () => {
  let now = 0;
  const limiter = new RateLimiter({ perMinute: 3, maxConcurrent: 0 }, () => now);
  for (let i = 0; i < 3; i++) limiter.take("a");
  assert.throws(
    () => limiter.take("a"),
    (error: unknown) => error instanceof RateLimitedError && error.code === "RATE_LIMITED" && error.retryAfterSeconds === 20,
  );
  limiter.take("b"); // other keys have their own bucket
  now += 20_000; // one token back (3 per minute)
  limiter.take("a");
  assert.throws(() => limiter.take("a"), RateLimitedError);
});

test("rate limiter: in-flight slots are held until released, once", () => {
  const limiter = new RateLimiter({ perMinute: 0, maxConcurrent: 2 });
  const first = limiter.acquire("a");
  limiter.acquire("a");
  assert.throws(() => limiter.acquire("a"), (error: unknown) => error instanceof RateLimitedError && error.retryAfterSeconds === 1);
  first();
  first(); // releasing twice frees one slot only
  limiter.acquire("a");
  assert.throws(() => limiter.acquire("a"), RateLimitedError);
});

test("loopback hosts: only addresses reachable from this machine alone", () => {
  for (const host of ["127.0.0.1", "127.8.9.10", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"]) assert.ok(isLoopbackHost(host), host);
  for (const host of ["0.0.0.0", "::", "192.168.1.2", "10.0.0.1", "example.com", "128.0.0.1"]) assert.ok(!isLoopbackHost(host), host);
});
