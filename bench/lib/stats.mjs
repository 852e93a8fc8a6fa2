// Order statistics for benchmark samples (nearest-rank percentiles on a sorted copy).

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export const median = (values) => percentile(values, 50);

export const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;

/** p50, p90, p99, max and count of a list of samples. */
export function summarize(values) {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: values.length ? Math.max(...values) : NaN,
  };
}

/** The median of several repeats of `measure()` (each returns a number), with all the repeats. */
export async function medianOf(repeats, measure) {
  const runs = [];
  for (let i = 0; i < repeats; i++) runs.push(await measure(i));
  return { value: median(runs), runs };
}
