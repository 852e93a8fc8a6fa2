import { setTimeout as delay } from "node:timers/promises";

/** Resolves true when `promise` settles first, false when `ms` pass first; the timer never outlives the race. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      delay(ms, false, { signal: timer.signal }),
    ]);
  } finally {
    timer.abort();
  }
}
