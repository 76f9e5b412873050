/** Options of {@link BoundedDispatcher}. */
export interface BoundedDispatcherOptions<T> {
  readonly maxInFlight: number;
  readonly maxPending: number;
  readonly handle: (item: T) => void | Promise<void>;
  /** Called when `handle` throws or rejects; the item is not retried. */
  readonly onError: (err: unknown, item: T) => void;
  /** Called when an item is refused because `maxPending` items already wait. */
  readonly onDrop: (item: T) => void;
}

/**
 * Runs a handler over pushed items with at most `maxInFlight` calls at once
 * and at most `maxPending` items waiting (extra items are dropped and
 * reported), in push order. Used for at-most-once core subscriptions, where
 * dropping under overload is the documented behaviour and unbounded
 * buffering is not an option.
 */
export class BoundedDispatcher<T> {
  // A queue as an array and a head index: shift() moves every waiting item, and a subscriber
  // under overload holds thousands of them.
  #queue: (T | undefined)[] = [];
  #head = 0;
  #running = 0;
  #closed = false;
  #drained: Array<() => void> = [];

  constructor(private readonly opts: BoundedDispatcherOptions<T>) {}

  /** Queues `item`; false when it was dropped (queue full) or the dispatcher is draining. */
  push(item: T): boolean {
    if (this.#closed) return false;
    if (this.#running < this.opts.maxInFlight) {
      this.#start(item);
      return true;
    }
    if (this.#waiting >= this.opts.maxPending) {
      this.opts.onDrop(item);
      return false;
    }
    this.#queue.push(item);
    return true;
  }

  get #waiting(): number {
    return this.#queue.length - this.#head;
  }

  #next(): T | undefined {
    if (this.#head === this.#queue.length) return undefined;
    const item = this.#queue[this.#head] as T;
    // The slot lets go of the item at once, not when the array is next compacted.
    this.#queue[this.#head] = undefined;
    this.#head += 1;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Refuses new items and resolves once queued and running items are done. Idempotent. */
  drain(): Promise<void> {
    this.#closed = true;
    if (this.#running === 0 && this.#waiting === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  #start(item: T): void {
    this.#running++;
    void this.#run(item).finally(() => {
      this.#running--;
      if (this.#waiting > 0) return this.#start(this.#next() as T);
      if (this.#running === 0 && this.#closed) {
        const waiters = this.#drained;
        this.#drained = [];
        waiters.forEach((resolve) => resolve());
      }
    });
  }

  async #run(item: T): Promise<void> {
    try {
      await this.opts.handle(item);
    } catch (err) {
      this.opts.onError(err, item);
    }
  }
}
