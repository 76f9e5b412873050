/** Bounds of a {@link FullJitterBackoff}. */
export interface BackoffBounds {
  /** Ceiling of the first delay (ms, > 0). */
  readonly initialMs: number;
  /** Largest ceiling any delay may reach (ms, >= initialMs). */
  readonly maxMs: number;
}

/**
 * Exponential backoff with "full jitter": the n-th delay is uniform in
 * [0, min(maxMs, initialMs * 2^n)]. Spreading each delay over the whole
 * window (instead of adding a small jitter on top of it) keeps a fleet that
 * lost its server at the same moment from reconnecting in waves.
 */
export class FullJitterBackoff {
  readonly #bounds: BackoffBounds;
  readonly #random: () => number;
  #attempt = 0;

  /**
   * @param random uniform in [0, 1); injectable so tests can pin the draw.
   * @throws RangeError when the bounds are not finite positive numbers with initialMs <= maxMs.
   */
  constructor(bounds: BackoffBounds, random: () => number = Math.random) {
    const { initialMs, maxMs } = bounds;
    if (!(Number.isFinite(initialMs) && initialMs > 0 && Number.isFinite(maxMs) && maxMs >= initialMs)) {
      throw new RangeError(`backoff bounds must satisfy 0 < initialMs <= maxMs, got ${initialMs} and ${maxMs}`);
    }
    this.#bounds = { initialMs, maxMs };
    this.#random = random;
  }

  /** How many delays were handed out since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The ceiling the next delay is drawn under. */
  ceilingMs(): number {
    // 2^attempt overflows to Infinity long after the cap is reached; min() keeps it finite.
    return Math.min(this.#bounds.maxMs, this.#bounds.initialMs * 2 ** this.#attempt);
  }

  /** The next delay in ms (an integer), and one step further up. */
  next(): number {
    const ceiling = this.ceilingMs();
    this.#attempt += 1;
    return Math.floor(this.#random() * ceiling);
  }

  /** Back to the first step (after a successful connection). */
  reset(): void {
    this.#attempt = 0;
  }
}
