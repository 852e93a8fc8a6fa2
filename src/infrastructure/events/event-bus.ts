// A typed in-process publish/subscribe. Every payload is a full snapshot, so a subscriber that
// falls behind may skip intermediate snapshots without losing information: its buffer keeps the
// newest `maxBuffered` and drops the oldest.

type Listener<T> = (payload: T) => void;

export interface Subscription<T> extends AsyncIterableIterator<T> {
  /** Stops delivery and ends the iteration. */
  close(): void;
}

export class EventBus<Topics extends Record<string, unknown>> {
  readonly #listeners = new Map<string, Set<Listener<unknown>>>();

  constructor(private readonly maxBuffered = 256) {}

  publish<T extends keyof Topics & string>(topic: T, key: string, payload: Topics[T]): void {
    const listeners = this.#listeners.get(`${topic}:${key}`);
    if (!listeners) return;
    for (const listener of listeners) listener(payload);
  }

  /** Starts buffering at once: nothing published after this call is missed. */
  subscribe<T extends keyof Topics & string>(topic: T, key: string): Subscription<Topics[T]> {
    const channel = `${topic}:${key}`;
    const buffer: Topics[T][] = [];
    let waiting: ((result: IteratorResult<Topics[T]>) => void) | null = null;
    let closed = false;

    const listener: Listener<Topics[T]> = (payload) => {
      if (waiting) {
        const resolve = waiting;
        waiting = null;
        resolve({ value: payload, done: false });
        return;
      }
      buffer.push(payload);
      if (buffer.length > this.maxBuffered) buffer.shift();
    };
    let listeners = this.#listeners.get(channel);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(channel, listeners);
    }
    listeners.add(listener as Listener<unknown>);

    const close = () => {
      if (closed) return;
      closed = true;
      buffer.length = 0;
      const set = this.#listeners.get(channel);
      set?.delete(listener as Listener<unknown>);
      if (set?.size === 0) this.#listeners.delete(channel);
      if (waiting) {
        waiting({ value: undefined, done: true });
        waiting = null;
      }
    };

    const subscription: Subscription<Topics[T]> = {
      next: () => {
        if (buffer.length > 0) return Promise.resolve({ value: buffer.shift()!, done: false });
        if (closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          waiting = resolve;
        });
      },
      return: () => {
        close();
        return Promise.resolve({ value: undefined, done: true });
      },
      close,
      [Symbol.asyncIterator]() {
        return subscription;
      },
    };
    return subscription;
  }
}
