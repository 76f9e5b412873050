const NOTHING_TO_RELEASE = (): void => undefined;

/**
 * Lets a config change's fan-out go first: while one runs, at most `concurrency` agent events
 * are handled at once (the others wait for a place, or for the fan-out to end). The offers of a
 * fan-out reach the agents sooner that way, because the agents' replies to the first offers (a
 * status report each, with store writes) would otherwise compete with the rest of the fan-out
 * for the process and the store; and events still make progress during a long fan-out (a
 * 100 000-agent fan-out paced by its gateways' receipts lasts a minute or more), which a plain
 * wait did not: every handler slot held an event for the whole wait. Waiting events stay
 * unacknowledged in the durable consumer meanwhile, so nothing is lost.
 */
export class FanoutPriority {
  #running = 0;
  /** Changes whenever the last running fan-out ends, so places taken before do not count after. */
  #generation = 0;
  #admitted = 0;
  #waiting: Array<() => void> = [];

  /** @param concurrency events handled at once while a fan-out runs (at least 1) */
  constructor(private readonly concurrency: number) {
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${String(concurrency)}`);
  }

  /** True while a fan-out runs. */
  get active(): boolean {
    return this.#running > 0;
  }

  /** Marks a fan-out as running until the returned function is called (once). */
  begin(): () => void {
    this.#running += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#running -= 1;
      if (this.#running > 0) return;
      this.#generation += 1;
      this.#admitted = 0;
      for (const wake of this.#waiting.splice(0)) wake();
    };
  }

  /**
   * Resolves when the caller may handle its event, with the function to call once it is done:
   * at once when no fan-out runs, else when one of the `concurrency` places is free (or the
   * fan-out ended).
   */
  admit(): Promise<() => void> {
    if (this.#running === 0) return Promise.resolve(NOTHING_TO_RELEASE);
    if (this.#admitted < this.concurrency) return Promise.resolve(this.#place());
    return new Promise((resolve) => this.#waiting.push(() => resolve(this.#running === 0 ? NOTHING_TO_RELEASE : this.#place())));
  }

  #place(): () => void {
    this.#admitted += 1;
    const generation = this.#generation;
    let released = false;
    return () => {
      if (released || generation !== this.#generation) return;
      released = true;
      this.#admitted -= 1;
      if (this.#admitted < this.concurrency) this.#waiting.shift()?.();
    };
  }
}
