/** Percentiles of a set of samples, in the samples' unit. */
export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * Keeps at most `capacity` samples (reservoir sampling beyond it, so memory
 * stays bounded on long runs while the percentiles stay unbiased).
 */
export class LatencySamples {
  readonly #samples: number[] = [];
  #seen = 0;

  /** @throws RangeError when capacity is not a positive integer. */
  constructor(private readonly capacity = 200_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  add(value: number): void {
    this.#seen += 1;
    if (this.#samples.length < this.capacity) this.#samples.push(value);
    else {
      const slot = Math.floor(Math.random() * this.#seen);
      if (slot < this.capacity) this.#samples[slot] = value;
    }
  }

  /** Samples seen since the last reset (not only those kept). */
  get count(): number {
    return this.#seen;
  }

  reset(): void {
    this.#samples.length = 0;
    this.#seen = 0;
  }

  /** Nearest-rank percentiles of the kept samples; zeros when empty. */
  percentiles(): Percentiles {
    return percentilesOf(this.#samples, this.#seen);
  }
}

/** Nearest-rank percentiles of `values` (not modified); `count` defaults to their number. */
export function percentilesOf(values: readonly number[], count = values.length): Percentiles {
  if (values.length === 0) return { count, p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return { count, p50: at(50), p95: at(95), p99: at(99), max: sorted[sorted.length - 1]! };
}
