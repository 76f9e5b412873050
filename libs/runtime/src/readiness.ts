import { DuplicateRegistrationError, RegistrationLimitError, RuntimeOptionsError } from './errors.js';

/**
 * One readiness check. It passes when it returns or resolves (to anything but
 * `false`); it fails when it returns `false`, throws, rejects or outlives the
 * check timeout. The error message becomes the reason shown by `/readyz`.
 */
export type ReadinessCheck = () => Promise<boolean | void> | boolean | void;

/** One failing check and why. */
export interface ReadinessFailure {
  readonly name: string;
  readonly reason: string;
}

/** The outcome of a readiness evaluation. */
export interface ReadinessResult {
  readonly ready: boolean;
  readonly failing: readonly ReadinessFailure[];
}

/** What the admin server asks to answer `/readyz`. */
export interface ReadinessProbe {
  /** Evaluates readiness now; never rejects. */
  check(): Promise<ReadinessResult>;
}

/** Options of {@link Readiness}. */
export interface ReadinessOptions {
  /** Per-check timeout; default 1000 ms. */
  readonly checkTimeoutMs?: number;
  /** Most checks that may be registered; default 64. */
  readonly maxChecks?: number;
}

/** The failure name reported once {@link Readiness.setNotReady} was called. */
export const NOT_READY_CHECK = 'shutdown';

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Readiness of one process: named async checks, evaluated concurrently on
 * each `check()`, each bounded by a timeout, plus a one-way "not ready"
 * switch for shutdown.
 */
export class Readiness implements ReadinessProbe {
  readonly #checks = new Map<string, ReadinessCheck>();
  readonly #timeoutMs: number;
  readonly #maxChecks: number;
  #notReadyReason: string | undefined;

  /** @throws {RuntimeOptionsError} when a limit is not a positive integer. */
  constructor(options: ReadinessOptions = {}) {
    const { checkTimeoutMs = 1000, maxChecks = 64 } = options;
    for (const [key, value] of Object.entries({ checkTimeoutMs, maxChecks })) {
      if (!Number.isSafeInteger(value) || value <= 0) {
        throw new RuntimeOptionsError(`Readiness: ${key} must be a positive integer, got ${String(value)}`);
      }
    }
    this.#timeoutMs = checkTimeoutMs;
    this.#maxChecks = maxChecks;
  }

  /**
   * Registers a check under a unique name.
   * @throws {DuplicateRegistrationError} when `name` is already registered.
   * @throws {RegistrationLimitError} when `maxChecks` checks exist.
   */
  addCheck(name: string, fn: ReadinessCheck): void {
    if (this.#checks.has(name)) throw new DuplicateRegistrationError(`readiness check "${name}" is already registered`);
    if (this.#checks.size >= this.#maxChecks) {
      throw new RegistrationLimitError(`cannot add readiness check "${name}": limit of ${this.#maxChecks} reached`);
    }
    this.#checks.set(name, fn);
  }

  /**
   * Marks the process not ready for good (shutdown calls this so load
   * balancers stop sending traffic). Later calls keep the first reason.
   */
  setNotReady(reason: string): void {
    this.#notReadyReason ??= reason;
  }

  /** Evaluates every check concurrently; ready only when all pass and `setNotReady` was never called. */
  async check(): Promise<ReadinessResult> {
    if (this.#notReadyReason !== undefined) {
      return { ready: false, failing: [{ name: NOT_READY_CHECK, reason: this.#notReadyReason }] };
    }
    const outcomes = await Promise.all(
      [...this.#checks].map(async ([name, fn]) => ({ name, reason: await this.#run(fn) })),
    );
    const failing = outcomes.filter((o): o is ReadinessFailure => o.reason !== undefined);
    return { ready: failing.length === 0, failing };
  }

  /** Runs one check; resolves to the failure reason, or `undefined` when it passed. */
  async #run(fn: ReadinessCheck): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`timed out after ${this.#timeoutMs} ms`), this.#timeoutMs);
    });
    const run = Promise.resolve()
      .then(fn)
      .then(
        (result) => (result === false ? 'check failed' : undefined),
        (err: unknown) => reasonOf(err),
      );
    try {
      return await Promise.race([run, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
