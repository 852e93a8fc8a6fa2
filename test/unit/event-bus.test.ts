import assert from "node:assert/strict";
import { test } from "node:test";
import { EventBus } from "../../src/infrastructure/events/event-bus.js";

type Topics = { job: { n: number } };

test("a subscription buffers from the moment it is made, per key", async () => {
  const bus = new EventBus<Topics>();
  const a = bus.subscribe("job", "a");
  bus.publish("job", "a", { n: 1 });
  bus.publish("job", "b", { n: 99 });
  bus.publish("job", "a", { n: 2 });
  assert.deepEqual((await a.next()).value, { n: 1 });
  assert.deepEqual((await a.next()).value, { n: 2 });
  const pending = a.next();
  bus.publish("job", "a", { n: 3 });
  assert.deepEqual((await pending).value, { n: 3 });
  a.close();
  bus.publish("job", "a", { n: 4 });
  assert.equal((await a.next()).done, true, "nothing arrives after close");
});

test("a slow subscriber keeps the newest snapshots", async () => {
  const bus = new EventBus<Topics>(3);
  const sub = bus.subscribe("job", "a");
  for (let n = 1; n <= 10; n++) bus.publish("job", "a", { n });
  const seen = [];
  for (let i = 0; i < 3; i++) seen.push((await sub.next()).value.n);
  assert.deepEqual(seen, [8, 9, 10]);
});

test("closing a waiting subscription ends it", async () => {
  const bus = new EventBus<Topics>();
  const sub = bus.subscribe("job", "a");
  const pending = sub.next();
  await sub.return!();
  assert.equal((await pending).done, true);
});
