// Quality figures for a filled image against the real photo, on 8-bit RGB pixels.
// `hole` marks the filled pixels (1) of a width x height image.

export function luma(rgb, width, height) {
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = 0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2];
  return out;
}

/** Peak signal-to-noise ratio over the filled pixels, in dB. */
export function psnr(result, truth, hole) {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < hole.length; i++) {
    if (!hole[i]) continue;
    for (let c = 0; c < 3; c++) {
      const d = result[3 * i + c] - truth[3 * i + c];
      sum += d * d;
    }
    count += 3;
  }
  return 10 * Math.log10((255 * 255) / Math.max(sum / count, 1e-9));
}

/** Mean gradient magnitude of luma over the filled pixels (central differences). */
function meanGradient(L, width, height, hole) {
  let sum = 0;
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!hole[i]) continue;
      const gx = (L[y * width + Math.min(x + 1, width - 1)] - L[y * width + Math.max(x - 1, 0)]) / 2;
      const gy = (L[Math.min(y + 1, height - 1) * width + x] - L[Math.max(y - 1, 0) * width + x]) / 2;
      sum += Math.hypot(gx, gy);
      count++;
    }
  }
  return sum / count;
}

/** Texture energy: the fill's mean gradient over the real photo's there. Smearing gives far below 1. */
export function textureEnergy(resultL, truthL, width, height, hole) {
  return meanGradient(resultL, width, height, hole) / meanGradient(truthL, width, height, hole);
}

/**
 * Every edge across the original's border: a kept pixel (x, y) and its filled 4-neighbour one
 * step along (dx, dy), with `at(x, y)` giving a pixel's index or -1 off the image.
 */
function* borderEdges(width, height, hole) {
  const at = (x, y) => (x < 0 || y < 0 || x >= width || y >= height ? -1 : y * width + x);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (hole[i]) continue;
      for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
        const j = at(x + dx, y + dy);
        if (j >= 0 && hole[j]) yield { i, j, x, y, dx, dy, at };
      }
    }
  }
}

/**
 * Seam visibility: mean luma step across the original's border (between each kept pixel and its
 * filled 4-neighbours) over the real photo's across the same border. 1 means the border is as
 * visible as nothing; above 1 a visible seam, below 1 a smoothed one.
 */
export function seamVisibility(resultL, truthL, width, height, hole) {
  let result = 0;
  let truth = 0;
  for (const { i, j } of borderEdges(width, height, hole)) {
    result += Math.abs(resultL[j] - resultL[i]);
    truth += Math.abs(truthL[j] - truthL[i]);
  }
  return result / truth;
}

/**
 * Border contrast, which needs no real photo: the mean luma step across the original's border
 * over the mean step across the two lines of edges parallel to it on each side (the two nearest
 * the border inside the original and the two nearest it inside the fill). 1 means the border
 * stands out no more than its surroundings; above 1 it shows as a line, below 1 it is smoothed.
 */
export function borderContrast(resultL, width, height, hole) {
  let border = 0;
  let borderCount = 0;
  let beside = 0;
  let besideCount = 0;
  for (const { i, j, x, y, dx, dy, at } of borderEdges(width, height, hole)) {
    border += Math.abs(resultL[j] - resultL[i]);
    borderCount++;
    // Edges k = 1, 2 steps back into the original and forward into the fill.
    for (const k of [1, 2]) {
      const a = at(x - k * dx, y - k * dy), b = at(x - (k - 1) * dx, y - (k - 1) * dy);
      if (a >= 0 && !hole[a] && !hole[b]) {
        beside += Math.abs(resultL[b] - resultL[a]);
        besideCount++;
      }
      const c = at(x + k * dx, y + k * dy), d = at(x + (k + 1) * dx, y + (k + 1) * dy);
      if (d >= 0 && hole[c] && hole[d]) {
        beside += Math.abs(resultL[d] - resultL[c]);
        besideCount++;
      }
    }
  }
  return border / borderCount / (beside / besideCount);
}

/**
 * Straight step edges in the fill's smooth areas: the outline of a pasted block of another
 * brightness, a copied horizon or shoreline, a rail that restarts. Lines between two columns (or
 * rows) of filled pixels are cut into segments of `segment` pixels; on each, D = the mean signed
 * luma change across the line over `span` pixels (so an edge softened over a few pixels counts in
 * full, and a thin line, which rises and falls within the span, not at all). A segment is flagged
 * when |D| is at least `minStep` levels, at least `ratio` times the median |D| of the lines
 * `span` to 3 `span` away on either side (a smooth gradient changes as much there) and at least `ratio` times
 * their mean unsigned step per pixel (so texture, where steps are everywhere, needs a far larger
 * one), and the largest of the lines within the span (one flag per edge). Returns flagged
 * segments per 1000 segments tested, and where they are.
 */
export function straightEdges(L, width, height, hole, { segment = 32, span = 16, minStep = 2, ratio = 3 } = {}) {
  const half = span / 2;
  let tested = 0;
  const flagged = [];
  for (const vertical of [true, false]) {
    const lines = vertical ? width - 1 : height - 1;  // line k lies between pixel k and k + 1 across it
    const along = vertical ? height : width;
    const at = (k, t) => (vertical ? t * width + k : k * width + t);
    const change = new Float32Array(lines);  // |D|
    const rough = new Float32Array(lines);  // mean |step| per pixel on the line
    const inside = new Uint8Array(lines);
    for (let start = 0; start + segment <= along; start += segment / 2) {
      for (let k = 0; k < lines; k++) {
        let sum = 0;
        let steps = 0;
        let filled = true;
        const before = Math.max(k - half + 1, 0), after = Math.min(k + half, lines);
        for (let t = start; t < start + segment; t++) {
          sum += L[at(after, t)] - L[at(before, t)];
          steps += Math.abs(L[at(k + 1, t)] - L[at(k, t)]);
          filled &&= hole[at(k, t)] === 1 && hole[at(k + 1, t)] === 1;
        }
        change[k] = Math.abs(sum / segment);
        rough[k] = steps / segment;
        inside[k] = filled ? 1 : 0;
      }
      const around = [];
      for (let k = 0; k < lines; k++) {
        if (!inside[k]) continue;
        tested++;
        const d = change[k];
        if (d < minStep) continue;
        let peak = true;
        for (let j = 1; j < span && peak; j++) peak = (k - j < 0 || change[k - j] < d) && (k + j >= lines || change[k + j] <= d);
        if (!peak) continue;
        around.length = 0;
        let roughness = 0;
        for (let j = span; j <= 3 * span; j++) {
          for (const n of [k - j, k + j]) {
            if (n < 0 || n >= lines) continue;
            around.push(change[n]);
            roughness += rough[n];
          }
        }
        around.sort((a, b) => a - b);
        if (d >= ratio * around[Math.floor(around.length / 2)] && d >= ratio * (roughness / around.length)) flagged.push({ vertical, line: k, start });
      }
    }
  }
  return { perThousand: (1000 * flagged.length) / Math.max(tested, 1), flagged };
}
