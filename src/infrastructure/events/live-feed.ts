import type { Subscription } from "./event-bus.js";

/** What an update means to a feed: a value to send (and whether it is the last), or nothing. */
export type FeedStep<T> = { value: T; final: boolean } | null;

/**
 * A subscription's stream: the current value first, then a value for each update that `step`
 * turns into one, ending after a final value (or when the updates end).
 */
export class LiveFeed<U, T> implements AsyncIterableIterator<T> {
  #first: { value: T; final: boolean } | null;
  #done = false;

  constructor(
    first: { value: T; final: boolean },
    private readonly updates: Subscription<U>,
    private readonly step: (update: U) => FeedStep<T>,
  ) {
    this.#first = first;
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.#first) {
      const { value, final } = this.#first;
      this.#first = null;
      if (final) this.#finish();
      return { value, done: false };
    }
    while (!this.#done) {
      const { value: update, done } = await this.updates.next();
      if (done) break;
      const result = this.step(update);
      if (!result) continue;
      if (result.final) this.#finish();
      return { value: result.value, done: false };
    }
    this.#finish();
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<T>> {
    this.#finish();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #finish(): void {
    this.#done = true;
    this.updates.close();
  }
}
