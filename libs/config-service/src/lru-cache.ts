import { ConfigServiceOptionsError } from './errors.js';

/** Options of {@link LruCache}. */
export interface LruCacheOptions<V> {
  /** Most entries kept; the least recently used is evicted beyond it. */
  readonly maxEntries: number;
  /** Most total weight kept (default: unlimited); needs `weigh`. */
  readonly maxWeight?: number;
  /** Weight of one value, e.g. its size in bytes (default 1). */
  readonly weigh?: (value: V) => number;
}

/**
 * A bounded map that evicts the least recently used entries once `maxEntries` (or `maxWeight`)
 * is exceeded. `get` refreshes recency. A value heavier than `maxWeight` is not kept at all.
 */
export class LruCache<K, V> {
  readonly #map = new Map<K, V>();
  readonly #maxEntries: number;
  readonly #maxWeight: number;
  readonly #weigh: (value: V) => number;
  #weight = 0;

  /** @throws ConfigServiceOptionsError when a bound is not a positive integer */
  constructor(options: LruCacheOptions<V>) {
    if (!Number.isSafeInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new ConfigServiceOptionsError(`maxEntries must be a positive integer, got ${String(options.maxEntries)}`);
    }
    const maxWeight = options.maxWeight ?? Number.POSITIVE_INFINITY;
    if (!(maxWeight > 0)) throw new ConfigServiceOptionsError(`maxWeight must be positive, got ${String(maxWeight)}`);
    this.#maxEntries = options.maxEntries;
    this.#maxWeight = maxWeight;
    this.#weigh = options.weigh ?? (() => 1);
  }

  /** Entries currently held. */
  get size(): number {
    return this.#map.size;
  }

  /** The value, marked most recently used; `undefined` when absent. */
  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value === undefined) return undefined;
    this.#map.delete(key);
    this.#map.set(key, value);
    return value;
  }

  /** Stores `value` as most recently used and evicts what exceeds the bounds. */
  set(key: K, value: V): void {
    this.delete(key);
    const weight = this.#weigh(value);
    if (weight > this.#maxWeight) return;
    this.#map.set(key, value);
    this.#weight += weight;
    while (this.#map.size > this.#maxEntries || this.#weight > this.#maxWeight) {
      const oldest = this.#map.keys().next().value as K;
      this.delete(oldest);
    }
  }

  /** Removes the entry; returns whether there was one. */
  delete(key: K): boolean {
    const value = this.#map.get(key);
    if (value === undefined) return false;
    this.#map.delete(key);
    this.#weight -= this.#weigh(value);
    return true;
  }

  /** Removes every entry. */
  clear(): void {
    this.#map.clear();
    this.#weight = 0;
  }
}
