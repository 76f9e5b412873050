import { StoreClosedError, StoreOverloadedError } from './errors.js';

/**
 * Admission control shared by both adapters: bounds the statements and transactions running or
 * waiting for a connection, refuses work after close, and lets close wait for running work.
 */
export class InflightGate {
  readonly #limit: number;
  readonly #name: string;
  #count = 0;
  #closed = false;
  #drained: (() => void) | undefined;

  /** `limit`: most operations admitted at once; `name` appears in error messages. */
  constructor(limit: number, name: string) {
    this.#limit = limit;
    this.#name = name;
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs `fn` as one admitted operation. Throws {@link StoreClosedError} after close and
   * {@link StoreOverloadedError} when `limit` operations are already admitted.
   */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreClosedError(`${this.#name} is closed`);
    if (this.#count >= this.#limit) {
      throw new StoreOverloadedError(`${this.#name} already has ${this.#limit} statements running or waiting`);
    }
    this.#count += 1;
    try {
      return await fn();
    } finally {
      this.#count -= 1;
      if (this.#count === 0) this.#drained?.();
    }
  }

  /** Refuses new work and resolves once every admitted operation has settled. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#count === 0) return;
    await new Promise<void>((resolve) => {
      const previous = this.#drained;
      this.#drained = () => {
        previous?.();
        resolve();
      };
    });
  }
}
