/**
 * Runs tasks with the same key one after another, in the order `run` was called, while tasks of
 * different keys run concurrently. It holds an entry only while a key has work queued or
 * running, so its size is bounded by the caller's concurrency (the consumer's maxInFlight events,
 * a liveness batch counting for its agents).
 */
export class KeyedSerializer {
  readonly #tails = new Map<string, Promise<void>>();

  /** Keys with work queued or running. */
  get activeKeys(): number {
    return this.#tails.size;
  }

  /** Runs `task` after every earlier task of `key` settled; resolves or rejects with it. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
