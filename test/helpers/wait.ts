// Tests wait for conditions, never for durations: how long something takes depends on the
// machine and its load. WAIT_LIMIT_MS is no speed assumption but a hang detector, set just below
// the test runner's own per-test timeout (scripts/run-tests.mjs) so a hang is reported with what
// was awaited rather than as a bare timeout.
export const WAIT_LIMIT_MS = 9 * 60_000;

type Falsy = false | null | undefined | 0 | "";

/**
 * Polls `check` until it returns a truthy value, and returns that value. `what` describes the
 * condition (a function is called only when the wait fails, to show the state at that moment).
 */
export async function waitFor<T>(what: string | (() => string | Promise<string>), check: () => T | Promise<T>, intervalMs = 50): Promise<Exclude<T, Falsy>> {
  const limit = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, Falsy>;
    if (Date.now() > limit) {
      throw new Error(`still waiting after ${WAIT_LIMIT_MS / 60_000} minutes for ${typeof what === "string" ? what : await what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
