import { PublishQueueFullError } from './errors.js';

/**
 * Bounds concurrent publishes: at most `maxInFlight` run at once, at most
 * `maxQueued` wait for a slot (first come, first served); beyond that a
 * caller is refused rather than buffered, so memory stays bounded.
 */
export class PublishGate {
  #inFlight = 0;
  readonly #waiters: Array<() => void> = [];
  #idleWaiters: Array<() => void> = [];

  constructor(
    private readonly maxInFlight: number,
    private readonly maxQueued: number,
  ) {}

  /** Publishes running now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Publishes waiting for a slot. */
  get queued(): number {
    return this.#waiters.length;
  }

  /**
   * Runs `fn` once a slot is free and returns its result.
   * @throws PublishQueueFullError when `maxQueued` callers already wait
   */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.#acquire();
    try {
      return await fn();
    } finally {
      this.#release();
    }
  }

  /** Resolves once nothing runs and nothing waits. */
  idle(): Promise<void> {
    if (this.#inFlight === 0 && this.#waiters.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #acquire(): Promise<void> {
    if (this.#inFlight < this.maxInFlight) {
      this.#inFlight++;
      return Promise.resolve();
    }
    if (this.#waiters.length >= this.maxQueued) {
      return Promise.reject(
        new PublishQueueFullError(`${this.maxInFlight} publishes in flight and ${this.maxQueued} waiting; retry later`),
      );
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #release(): void {
    const next = this.#waiters.shift();
    // the slot passes straight to the next waiter, so the count stays put
    if (next !== undefined) return next();
    this.#inFlight--;
    if (this.#inFlight === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      waiters.forEach((resolve) => resolve());
    }
  }
}
