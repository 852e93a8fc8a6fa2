import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { INFILL_METHODS, type InfillMethod } from "../../src/core/job.js";
import { loadAddon } from "../../src/infrastructure/native/addon.js";
import { OutpaintEngine, NativeError, type EngineProgress } from "../../src/infrastructure/native/outpaint-engine.js";
import { noiseImage, pixel, placementOf } from "../helpers/synthetic.js";

const clamp = (value: number, low: number, high: number) => Math.min(Math.max(value, low), high);
const reflect = (offset: number, size: number) => {
  const period = 2 * size;
  const m = ((offset % period) + period) % period;
  return m < size ? m : period - 1 - m;
};

describe("native outpaint engine", () => {
  let engine: OutpaintEngine;
  before(() => {
    engine = OutpaintEngine.open({ threads: 2 });
  });
  after(() => {
    engine.close();
  });

  test("offers exactly the infill methods the TypeScript layer validates", () => {
    assert.deepEqual([...loadAddon().infillMethods].sort(), [...INFILL_METHODS].sort());
  });

  test("the production addon exports no test hooks (they live in the test addon)", () => {
    assert.deepEqual(Object.keys(loadAddon()).sort(), ["OutpaintEngine", "bindingAbi", "infillMethods", "probeBackend"]);
  });

  test("generate() on CPU_FILL is refused with INVALID_ARGUMENT and the caller's stack", async () => {
    const denoise = { t5Tokens: new Int32Array(512), clipTokens: new Int32Array(77), steps: 4, guidance: 3.5, strength: 1, previewEvery: 0, loras: [] };
    await assert.rejects(engine.generate({ width: 64, height: 64, seed: 1, denoise }), (error: unknown) => {
      assert.ok(error instanceof NativeError);
      assert.equal(error.code, "INVALID_ARGUMENT");
      assert.match(error.message, /CPU_FILL cannot generate/);
      assert.match(error.stack ?? "", /outpaint-engine\.test\.js/);
      return true;
    });
  });

  for (const infill of INFILL_METHODS) {
    for (const channels of [3, 4]) {
      test(`${infill}, ${channels} channels: the canvas has the requested size and the original is bit-exact`, async () => {
        const original = noiseImage(37, 23, channels, 7 + channels);
        for (const [w, h, x, y] of [
          [37 + 50, 23, 50, 0],
          [37, 23 + 41, 0, 0],
          [37 + 9, 23 + 8, 3, 5],
          [200, 150, 81, 64],
        ] as const) {
          const result = await engine.outpaint({ original, placement: placementOf(original, w, h, x, y), infill, blur: 0, seed: 1 });
          assert.deepEqual([result.width, result.height, result.channels], [w, h, channels]);
          for (let row = 0; row < original.height; row++) {
            const start = ((y + row) * w + x) * channels;
            const rowBytes = original.width * channels;
            assert.ok(
              result.data.subarray(start, start + rowBytes).equals(original.data.subarray(row * rowBytes, (row + 1) * rowBytes)),
              `row ${row} of the original changed (canvas ${w}x${h} at ${x},${y})`,
            );
          }
        }
      });
    }
  }

  test("EDGE repeats the nearest original pixel; TILE mirrors across the seams; COLOR is flat", async () => {
    const original = noiseImage(16, 12, 3, 99);
    const placement = placementOf(original, 60, 40, 20, 9);
    const edge = await engine.outpaint({ original, placement, infill: "EDGE", blur: 0, seed: 0 });
    const tile = await engine.outpaint({ original, placement, infill: "TILE", blur: 0, seed: 0 });
    const color = await engine.outpaint({ original, placement, infill: "COLOR", blur: 0, seed: 0 });
    const flat = pixel(color, 0, 0);
    for (let y = 0; y < 40; y++) {
      for (let x = 0; x < 60; x++) {
        const inside = x >= 20 && x < 36 && y >= 9 && y < 21;
        if (inside) continue;
        assert.deepEqual(pixel(edge, x, y), pixel(original, clamp(x - 20, 0, 15), clamp(y - 9, 0, 11)), `EDGE at ${x},${y}`);
        assert.deepEqual(pixel(tile, x, y), pixel(original, reflect(x - 20, 16), reflect(y - 9, 12)), `TILE at ${x},${y}`);
        assert.deepEqual(pixel(color, x, y), flat, `COLOR at ${x},${y}`);
      }
    }
  });

  test("progress is reported per step, in order, ending at the total", async () => {
    const original = noiseImage(64, 64, 3, 3);
    const events: EngineProgress[] = [];
    await engine.outpaint(
      { original, placement: placementOf(original, 256, 256, 96, 96), infill: "EDGE", blur: 0, seed: 0 },
      { onProgress: (progress) => events.push(progress) },
    );
    assert.ok(events.length >= 3);
    events.forEach((event, i) => assert.equal(event.step, i + 1));
    assert.ok(events.every((event) => event.totalSteps === events.length));
    assert.deepEqual([...new Set(events.map((event) => event.stage))], ["INFILL", "COMPOSITING"]);
  });

  test("cancellation stops a running fill with code CANCELLED", async () => {
    const original = noiseImage(512, 512, 4, 5);
    const controller = new AbortController();
    const running = engine.outpaint(
      { original, placement: placementOf(original, 8192, 8192, 3000, 3000), infill: "TILE", blur: 0, seed: 0 },
      { signal: controller.signal, onProgress: () => controller.abort() },
    );
    await assert.rejects(running, (error: unknown) => error instanceof NativeError && error.code === "CANCELLED");
    await assert.rejects(
      engine.outpaint({ original, placement: placementOf(original, 600, 600, 0, 0), infill: "EDGE", blur: 0, seed: 0 }, { signal: controller.signal }),
      (error: unknown) => error instanceof NativeError && error.code === "CANCELLED",
    );
  });

  test("malformed requests throw INVALID_ARGUMENT with the caller's stack", async () => {
    const original = noiseImage(8, 8, 3, 1);
    const outsideCanvas = engine.outpaint({ original, placement: placementOf(original, 10, 10, 5, 0), infill: "EDGE", blur: 0, seed: 0 });
    await assert.rejects(outsideCanvas, (error: unknown) => {
      assert.ok(error instanceof NativeError);
      assert.equal(error.code, "INVALID_ARGUMENT");
      assert.match(error.message, /inside the canvas/);
      assert.match(error.stack ?? "", /outpaint-engine\.test\.js/);
      return true;
    });
    const wrongSize = engine.outpaint({
      original: { ...original, data: original.data.subarray(1) },
      placement: placementOf(original, 20, 20, 0, 0),
      infill: "EDGE",
      blur: 0,
      seed: 0,
    });
    await assert.rejects(wrongSize, /width \* height \* channels/);
    const unknownInfill = engine.outpaint({
      original,
      placement: placementOf(original, 20, 20, 0, 0),
      infill: "SMEAR" as InfillMethod,
      blur: 0,
      seed: 0,
    });
    await assert.rejects(unknownInfill, /Expected one of EDGE, TILE, COLOR, PATCHMATCH for infill but received SMEAR/);
  });

  test("close() ends the engine: later requests fail with ENGINE_CLOSED", async () => {
    const own = OutpaintEngine.open({ threads: 1 });
    const original = noiseImage(8, 8, 3, 1);
    own.close();
    own.close(); // idempotent
    await assert.rejects(
      own.outpaint({ original, placement: placementOf(original, 16, 16, 0, 0), infill: "EDGE", blur: 0, seed: 0 }),
      (error: unknown) => error instanceof NativeError && error.code === "ENGINE_CLOSED",
    );
  });

  test("tasks queued when the engine closes are rejected, not lost silently", async () => {
    const own = OutpaintEngine.open({ threads: 1 });
    const original = noiseImage(256, 256, 3, 2);
    const tasks = Array.from({ length: 4 }, () =>
      own.outpaint({ original, placement: placementOf(original, 4096, 4096, 100, 100), infill: "TILE", blur: 0, seed: 0 }).then(
        () => "done",
        (error: NativeError) => error.code,
      ),
    );
    own.close();
    const outcomes = await Promise.all(tasks);
    assert.ok(outcomes.every((outcome) => ["done", "CANCELLED", "ENGINE_CLOSED"].includes(outcome)), outcomes.join());
    assert.ok(outcomes.includes("ENGINE_CLOSED"), outcomes.join());
  });

  test("tasks run on the engine's own threads while the event loop stays free", async () => {
    const original = noiseImage(256, 256, 3, 4);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await engine.outpaint({ original, placement: placementOf(original, 6000, 6000, 100, 100), infill: "TILE", blur: 0, seed: 0 });
    clearInterval(timer);
    assert.ok(ticks > 0, "the event loop ran while the fill did");
  });
});
