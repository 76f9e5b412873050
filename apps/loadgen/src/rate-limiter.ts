/**
 * A token bucket: `ratePerSecond` tokens a second, at most `burst` saved up.
 * `take` is called from a periodic tick and says how many actions may start
 * now, so the action rate holds whatever the tick period or its jitter.
 */
export class RateLimiter {
  #tokens = 0;
  #last: number;

  /** @throws RangeError when the rate or the burst is not positive. */
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new RangeError(`rate and burst must be positive, got ${ratePerSecond}/${burst}`);
    this.#last = now;
  }

  /** Tokens (whole actions) available at `now`, at most `wanted`; they are consumed. */
  take(now: number, wanted: number): number {
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.ratePerSecond) / 1000);
    const granted = Math.max(0, Math.min(wanted, Math.floor(this.#tokens)));
    this.#tokens -= granted;
    return granted;
  }
}
