/**
 * Lets a config change's fan-out go first: while one runs, agent events wait (at most
 * `maxWaitMs` each) before they are handled. The offers of a fan-out reach the agents sooner
 * that way, because the agents' replies to the first offers (a status report each, with store
 * writes) would otherwise compete with the rest of the fan-out for the process and the store.
 * The waiting events stay unacknowledged in the durable consumer meanwhile, so nothing is lost;
 * `maxWaitMs` stays well under the consumer's ack wait so none is redelivered for it.
 */
export class FanoutPriority {
  #running = 0;
  #waiters: Array<() => void> = [];

  constructor(private readonly maxWaitMs: number) {}

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
      if (this.#running === 0) for (const wake of this.#waiters.splice(0)) wake();
    };
  }

  /** Resolves at once when no fan-out runs, else when none runs any more or after `maxWaitMs`. */
  yield(): Promise<void> {
    if (this.#running === 0 || this.maxWaitMs === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((wake) => wake !== done);
        resolve();
      }, this.maxWaitMs);
      this.#waiters.push(done);
    });
  }
}
