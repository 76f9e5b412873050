import {
  DuplicateRegistrationError,
  RegistrationLimitError,
  RuntimeOptionsError,
  ShutdownInProgressError,
} from './errors.js';
import type { Logger } from './logger.js';

/**
 * The shutdown phases, in the order they run: stop reporting ready, stop
 * accepting new work, drain work in flight, close clients (bus, store, ...).
 */
export const SHUTDOWN_PHASES = ['not-ready', 'stop-accepting', 'drain', 'close-clients'] as const;

/** One of {@link SHUTDOWN_PHASES}. */
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

/** A shutdown step. Throwing is allowed: it is logged and later phases still run. */
export type ShutdownHook = () => Promise<void> | void;

/** `running` until triggered, `shutting-down` while phases run, `finished` once exit was called. */
export type ShutdownState = 'running' | 'shutting-down' | 'finished';

/** Exit codes for a second signal during shutdown (128 + signal number, as shells report). */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** Options of {@link createShutdown}. */
export interface ShutdownOptions {
  readonly logger: Logger;
  /** Deadline for the whole sequence; past it the process exits with code 1. */
  readonly timeoutMs: number;
  /** Ends the process; default `process.exit`. Tests inject a recorder. */
  readonly exit?: (code: number) => void;
  /** Most hooks that may be registered; default 256. */
  readonly maxHooks?: number;
}

/** Coordinates a graceful shutdown; see {@link createShutdown}. */
export interface Shutdown {
  /**
   * Adds a hook to a phase; hooks of one phase run concurrently.
   * @throws {ShutdownInProgressError} once shutdown was triggered.
   * @throws {DuplicateRegistrationError} when the phase already has a hook named `name`.
   * @throws {RegistrationLimitError} past `maxHooks` hooks.
   * @throws {RuntimeOptionsError} when `phase` is not a shutdown phase.
   */
  register(phase: ShutdownPhase, name: string, fn: ShutdownHook): void;
  /**
   * Starts the sequence (idempotent: later calls return the same promise and
   * change nothing). Resolves after `exit` was called: `exitCode` (default 0)
   * when every phase ran, 1 on timeout. A failed start-up passes a non-zero
   * `exitCode` so the process still unwinds in order but reports the failure.
   */
  trigger(reason: string, exitCode?: number): Promise<void>;
  /**
   * On the first SIGTERM/SIGINT triggers shutdown; on a second one exits at
   * once with 143/130. Returns a function that removes the handlers.
   */
  installSignalHandlers(): () => void;
  /** Where the shutdown stands. */
  readonly state: ShutdownState;
  /** The code passed to `exit`, once it was called. */
  readonly exitCode: number | undefined;
}

type HookKey = `${ShutdownPhase}/${string}`;

class ShutdownCoordinator implements Shutdown {
  readonly #hooks = new Map<ShutdownPhase, Map<string, ShutdownHook>>(SHUTDOWN_PHASES.map((p) => [p, new Map()]));
  readonly #pending = new Set<HookKey>();
  #hookCount = 0;
  #state: ShutdownState = 'running';
  #exitCode: number | undefined;
  #sequence: Promise<void> | undefined;

  constructor(private readonly options: Required<ShutdownOptions>) {}

  get state(): ShutdownState {
    return this.#state;
  }

  get exitCode(): number | undefined {
    return this.#exitCode;
  }

  register(phase: ShutdownPhase, name: string, fn: ShutdownHook): void {
    const hooks = this.#hooks.get(phase);
    if (hooks === undefined) throw new RuntimeOptionsError(`unknown shutdown phase "${String(phase)}"`);
    if (this.#state !== 'running') throw new ShutdownInProgressError(`cannot register shutdown hook "${name}": shutdown already started`);
    if (hooks.has(name)) throw new DuplicateRegistrationError(`shutdown hook "${phase}/${name}" is already registered`);
    if (this.#hookCount >= this.options.maxHooks) {
      throw new RegistrationLimitError(`cannot register shutdown hook "${name}": limit of ${this.options.maxHooks} reached`);
    }
    hooks.set(name, fn);
    this.#hookCount += 1;
  }

  trigger(reason: string, exitCode = 0): Promise<void> {
    this.#sequence ??= this.#run(reason, exitCode);
    return this.#sequence;
  }

  installSignalHandlers(): () => void {
    const onSigterm = (): void => this.#onSignal('SIGTERM');
    const onSigint = (): void => this.#onSignal('SIGINT');
    process.on('SIGTERM', onSigterm);
    process.on('SIGINT', onSigint);
    return () => {
      process.off('SIGTERM', onSigterm);
      process.off('SIGINT', onSigint);
    };
  }

  #onSignal(signal: keyof typeof SIGNAL_EXIT_CODES): void {
    if (this.#state === 'running') {
      void this.trigger(`received ${signal}`);
      return;
    }
    this.options.logger.warn({ signal }, 'second signal during shutdown: exiting immediately');
    this.#finish(SIGNAL_EXIT_CODES[signal]);
  }

  async #run(reason: string, exitCode: number): Promise<void> {
    this.#state = 'shutting-down';
    const { logger, timeoutMs } = this.options;
    logger.info({ reason, timeoutMs }, 'shutdown started');
    let timer: NodeJS.Timeout | undefined;
    // Deliberately not unref'd: if every hook hangs on nothing, this timer is what still ends the process.
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([this.#runPhases().then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    // A second signal may have forced the exit meanwhile; exit only once.
    if (this.state === 'finished') return;
    if (outcome === 'done') {
      logger.info({ exitCode }, 'shutdown complete');
      this.#finish(exitCode);
      return;
    }
    logger.error({ timeoutMs, pending: [...this.#pending], notStarted: this.#notStarted() }, 'shutdown timed out');
    this.#finish(1);
  }

  async #runPhases(): Promise<void> {
    for (const [phase, hooks] of this.#hooks) {
      // A timed-out sequence keeps awaiting its stuck phase; when that phase ends late, go no further.
      if (this.#state === 'finished') return;
      this.options.logger.info({ phase, hooks: [...hooks.keys()] }, 'shutdown phase');
      await Promise.all([...hooks].map(([name, fn]) => this.#runHook(phase, name, fn)));
    }
  }

  async #runHook(phase: ShutdownPhase, name: string, fn: ShutdownHook): Promise<void> {
    const key: HookKey = `${phase}/${name}`;
    this.#pending.add(key);
    try {
      await fn();
    } catch (err) {
      this.options.logger.error({ err, phase, hook: name }, 'shutdown hook failed');
    } finally {
      this.#pending.delete(key);
    }
  }

  /** Hooks of phases that had not started, as `phase/name`. */
  #notStarted(): HookKey[] {
    const started = new Set([...this.#pending].map((key) => key.slice(0, key.indexOf('/'))));
    const current = SHUTDOWN_PHASES.findIndex((phase) => started.has(phase));
    const later = current === -1 ? [] : SHUTDOWN_PHASES.slice(current + 1);
    return later.flatMap((phase) => [...(this.#hooks.get(phase)?.keys() ?? [])].map((name): HookKey => `${phase}/${name}`));
  }

  #finish(code: number): void {
    this.#state = 'finished';
    this.#exitCode = code;
    this.options.exit(code);
  }
}

/**
 * Creates the shutdown coordinator of a process. `trigger` (or a signal, once
 * `installSignalHandlers` ran) runs the phases strictly in
 * {@link SHUTDOWN_PHASES} order, each phase's hooks concurrently, a failing
 * hook logged without stopping later phases, then calls `exit(0)`. If the
 * whole sequence takes longer than `timeoutMs`, it logs the hooks still
 * pending and calls `exit(1)` instead; later phases never run.
 *
 * @throws {RuntimeOptionsError} when `timeoutMs` or `maxHooks` is not a positive integer.
 */
export function createShutdown(options: ShutdownOptions): Shutdown {
  const { logger, timeoutMs, exit = (code: number) => process.exit(code), maxHooks = 256 } = options;
  for (const [key, value] of Object.entries({ timeoutMs, maxHooks })) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RuntimeOptionsError(`createShutdown: ${key} must be a positive integer, got ${String(value)}`);
    }
  }
  return new ShutdownCoordinator({ logger, timeoutMs, exit, maxHooks });
}
