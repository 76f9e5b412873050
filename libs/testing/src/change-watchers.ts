/** Options of {@link ChangeWatchers.waitFor}. */
export interface ChangeWaitOptions {
  /** Default 5000 ms. */
  readonly timeoutMs?: number;
  /** Named in the timeout error. */
  readonly description?: string;
}

/**
 * Event-driven waiting for test doubles: `waitFor` evaluates a predicate
 * now and after every `notify()`, instead of polling on a timer.
 */
export class ChangeWatchers<S> {
  readonly #watchers = new Set<() => void>();

  constructor(
    private readonly subject: S,
    private readonly label: () => string,
  ) {}

  /** Re-evaluates every pending predicate. Call after each observable change. */
  notify(): void {
    for (const watcher of [...this.#watchers]) watcher();
  }

  /**
   * Resolves with the first value of `predicate` other than undefined, null
   * or false. Rejects after `timeoutMs` with an error naming the subject and
   * `description`, or at once with an error the predicate throws.
   */
  waitFor<T>(predicate: (subject: S) => T | undefined | null | false, options: ChangeWaitOptions = {}): Promise<T> {
    const { timeoutMs = 5000, description = 'condition' } = options;
    return new Promise<T>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.#watchers.delete(check);
      };
      const check = (): void => {
        try {
          const value = predicate(this.subject);
          if (value === undefined || value === null || value === false) return;
          finish();
          resolve(value);
        } catch (err) {
          finish();
          reject(err);
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${this.label()}: timed out after ${timeoutMs} ms waiting for ${description}`));
      }, timeoutMs);
      this.#watchers.add(check);
      check();
    });
  }
}
