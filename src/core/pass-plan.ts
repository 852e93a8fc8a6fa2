import { extensionOf, type Extension, type Placement } from "./geometry.js";

// Multi-stage outpainting: an extension larger than a backend can fill well in one go (a
// denoiser loses the context of the original when the new band is wider than its own
// receptive comfort, about 512 px for FLUX.1 Fill) is done in passes. Each pass outpaints the
// previous pass's result, and no side grows by more than the limit in one pass.

/** The smallest per-pass limit: every share of a side split over passes is then at least 64 px, the largest feather. */
export const MIN_EXTEND_PER_PASS = 128;

/**
 * The passes that take `placement.width x height` to the final canvas, each a placement of the
 * previous canvas on the next. With `maxExtendPerPass` 0 (no limit) or an extension within it,
 * there is one pass, the placement itself; with no extension at all, none.
 *
 * A side that needs n passes (n = ceil(extent / limit)) grows in the first n passes by near-equal
 * shares, so each share is over limit / 2 and the feather of a later pass (at most 64 px, at most
 * limit / 2) only ever reaches into pixels an earlier pass made, never into the original.
 */
export function planPasses(placement: Placement, maxExtendPerPass: number): Placement[] {
  const total = extensionOf(placement);
  const longest = Math.max(total.top, total.right, total.bottom, total.left);
  // Nothing to extend (an image generated from text is the whole result): no pass.
  if (longest === 0) return [];
  if (maxExtendPerPass <= 0 || longest <= maxExtendPerPass) return [placement];
  if (maxExtendPerPass < MIN_EXTEND_PER_PASS) {
    throw new RangeError(`maxExtendPerPass must be 0 or at least ${MIN_EXTEND_PER_PASS}, got ${maxExtendPerPass}`);
  }

  const count = Math.ceil(longest / maxExtendPerPass);
  const passes: Placement[] = [];
  let width = placement.width;
  let height = placement.height;
  for (let pass = 0; pass < count; pass++) {
    const grow: Extension = {
      top: share(total.top, maxExtendPerPass, pass),
      right: share(total.right, maxExtendPerPass, pass),
      bottom: share(total.bottom, maxExtendPerPass, pass),
      left: share(total.left, maxExtendPerPass, pass),
    };
    const next: Placement = {
      canvasWidth: width + grow.left + grow.right,
      canvasHeight: height + grow.top + grow.bottom,
      x: grow.left,
      y: grow.top,
      width,
      height,
    };
    passes.push(next);
    width = next.canvasWidth;
    height = next.canvasHeight;
  }
  return passes;
}

/** Pass `pass`'s part of a side of `extent` px split into ceil(extent / limit) near-equal shares (0 after them). */
function share(extent: number, limit: number, pass: number): number {
  const parts = Math.ceil(extent / limit);
  if (pass >= parts) return 0;
  return Math.floor((extent * (pass + 1)) / parts) - Math.floor((extent * pass) / parts);
}
