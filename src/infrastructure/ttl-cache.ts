/**
 * A small map whose entries live `ttlMs` and of which at most `capacity` are kept (the oldest
 * insertion goes first). For lookups on the request path whose answers rarely change and may be
 * a moment stale: a tune by id, an image record by id. `now` is the test's clock when it gives one.
 */
export class TtlCache<K, V> {
  readonly #entries = new Map<K, { value: V; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, until: this.now() + this.ttlMs });
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value as K);
  }

  /** The cached value, or `load`'s (cached unless it is null or undefined). */
  async getOrLoad(key: K, load: () => Promise<V>): Promise<V> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const value = await load();
    if (value !== null && value !== undefined) this.set(key, value);
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}
