import { RateLimitedError } from "../core/errors.js";

export interface RateLimits {
  /** Requests a key may make per minute, as a token bucket of that size; 0: no limit. */
  perMinute: number;
  /** Requests a key may have in flight at once; 0: no limit. */
  maxConcurrent: number;
}

interface KeyState {
  tokens: number;
  refilledAt: number;
  inFlight: number;
}

/**
 * Per-key limits, in memory: one entry per API key in use, so its size is bounded by the keys
 * an operator created. A refused request gets how long to wait before it would be accepted.
 */
export class RateLimiter {
  readonly #keys = new Map<string, KeyState>();

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token for one request without holding a slot (a WebSocket operation, say). */
  take(key: string): void {
    const state = this.#state(key);
    if (this.limits.perMinute === 0) return;
    const perMs = this.limits.perMinute / 60_000;
    if (state.tokens < 1) {
      const waitSeconds = Math.max(1, Math.ceil((1 - state.tokens) / perMs / 1000));
      throw new RateLimitedError(`Rate limit of ${this.limits.perMinute} requests per minute for this API key reached; retry in ${waitSeconds} s`, waitSeconds);
    }
    state.tokens -= 1;
  }

  /** Takes a token and an in-flight slot; call the returned function when the request ends. */
  acquire(key: string): () => void {
    const state = this.#state(key);
    if (this.limits.maxConcurrent > 0 && state.inFlight >= this.limits.maxConcurrent) {
      throw new RateLimitedError(`At most ${this.limits.maxConcurrent} requests at once per API key; retry when one has answered`, 1);
    }
    this.take(key);
    state.inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      state.inFlight -= 1;
    };
  }

  #state(key: string): KeyState {
    const now = this.now();
    let state = this.#keys.get(key);
    if (!state) {
      state = { tokens: this.limits.perMinute, refilledAt: now, inFlight: 0 };
      this.#keys.set(key, state);
    }
    const refill = ((now - state.refilledAt) * this.limits.perMinute) / 60_000;
    state.tokens = Math.min(this.limits.perMinute, state.tokens + refill);
    state.refilledAt = now;
    return state;
  }
}
