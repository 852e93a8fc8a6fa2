import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { extensionOf, placeByExtension, type Extension, type Placement } from "../../src/core/geometry.js";
import { MIN_EXTEND_PER_PASS, planPasses } from "../../src/core/pass-plan.js";

const image = { width: 640, height: 480 };

function sides(passes: Placement[]): Extension[] {
  return passes.map(extensionOf);
}

test("an extension within the limit, or no limit, is one pass: the placement itself", () => {
  const placement = placeByExtension(image, { top: 0, right: 512, bottom: 100, left: 0 });
  assert.deepEqual(planPasses(placement, 512), [placement]);
  assert.deepEqual(planPasses(placeByExtension(image, { top: 0, right: 5000, bottom: 0, left: 0 }), 0).length, 1);
});

test("the longest side sets the pass count; each side splits into near-equal shares, front-loaded", () => {
  const placement = placeByExtension(image, { top: 100, right: 1200, bottom: 0, left: 513 });
  const passes = planPasses(placement, 512);
  assert.deepEqual(sides(passes), [
    { top: 100, right: 400, bottom: 0, left: 256 },
    { top: 0, right: 400, bottom: 0, left: 257 },
    { top: 0, right: 400, bottom: 0, left: 0 },
  ]);
  assert.deepEqual(
    passes.map(({ canvasWidth, canvasHeight }) => [canvasWidth, canvasHeight]),
    [
      [1296, 580],
      [1953, 580],
      [2353, 580],
    ],
  );
  assert.equal(passes[0]!.width, 640);
  assert.equal(passes[1]!.width, 1296);
});

test("a limit under the minimum is a programming error", () => {
  assert.throws(() => planPasses(placeByExtension(image, { top: 0, right: 300, bottom: 0, left: 0 }), 64), RangeError);
});

test("property: passes chain, add up to the placement, stay within the limit, and never feather into the original", () => {
  const side = fc.integer({ min: 0, max: 3000 });
  fc.assert(
    fc.property(
      fc.record({ top: side, right: side, bottom: side, left: side }),
      fc.integer({ min: MIN_EXTEND_PER_PASS, max: 1024 }),
      fc.integer({ min: 1, max: 2000 }),
      fc.integer({ min: 1, max: 2000 }),
      (extension, limit, width, height) => {
        const placement = placeByExtension({ width, height }, extension);
        const passes = planPasses(placement, limit);
        const longest = Math.max(extension.top, extension.right, extension.bottom, extension.left);
        assert.equal(passes.length, Math.max(1, Math.ceil(longest / limit)));
        let canvas = { width, height };
        const total: Extension = { top: 0, right: 0, bottom: 0, left: 0 };
        const grownBefore: Extension = { top: 0, right: 0, bottom: 0, left: 0 };
        for (const pass of passes) {
          assert.deepEqual([pass.width, pass.height], [canvas.width, canvas.height]);
          for (const key of ["top", "right", "bottom", "left"] as const) {
            const grow = extensionOf(pass)[key];
            assert.ok(grow <= limit);
            // A side grows again only right after a pass that grew it by at least 64 px (the
            // widest feather), so a later pass's seam lies in generated pixels, never the original.
            if (grow > 0 && pass !== passes[0]) assert.ok(grownBefore[key] >= 64, `${key}: ${grownBefore[key]} then ${grow}`);
            total[key] += grow;
            grownBefore[key] = grow;
          }
          canvas = { width: pass.canvasWidth, height: pass.canvasHeight };
        }
        assert.deepEqual(total, { ...extension });
        assert.deepEqual([canvas.width, canvas.height], [placement.canvasWidth, placement.canvasHeight]);
      },
    ),
    { numRuns: 500 },
  );
});
