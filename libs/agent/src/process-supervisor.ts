import { FullJitterBackoff } from '@shepherd/agent-transport';
import { errorFields, type AgentLogger } from './agent-logger.js';
import { describeExit, type CollectorExit, type CollectorProcess } from './collector-process.js';
import { CollectorStartError } from './supervisor-errors.js';

/** What the process supervisor is doing. */
export type ProcessState = 'stopped' | 'running' | 'backoff' | 'crash-loop';

/** A change the process supervisor reports (health follows it). */
export type ProcessEvent =
  | { readonly type: 'started'; readonly process: CollectorProcess }
  | {
      readonly type: 'crashed';
      readonly exit: CollectorExit;
      readonly reason: string;
      /** Delay before the next start; undefined when the supervisor gave up or crash restarts are held. */
      readonly restartInMs: number | undefined;
    }
  | { readonly type: 'stopped' };

/** Settings of a {@link ProcessSupervisor}. */
export interface ProcessSupervisorOptions {
  readonly spawn: () => Promise<CollectorProcess>;
  readonly restartBackoff: { readonly initialMs: number; readonly maxMs: number };
  readonly stableAfterMs: number;
  readonly maxCrashRestarts: number;
  readonly random: () => number;
  readonly logger: AgentLogger;
  readonly onEvent: (event: ProcessEvent) => void;
}

/**
 * Keeps one collector process running. An exit it did not ask for is a crash: the collector is
 * started again after an exponential delay with equal jitter (half fixed, half random, so a
 * crashing collector never spins), and after `maxCrashRestarts` crashes in a row, each within
 * `stableAfterMs` of its start, it gives up (`crash-loop`) until {@link restart} is called.
 */
export class ProcessSupervisor {
  readonly #o: ProcessSupervisorOptions;
  readonly #backoff: FullJitterBackoff;
  #current: CollectorProcess | undefined;
  #state: ProcessState = 'stopped';
  #crashesInARow = 0;
  #timer: NodeJS.Timeout | undefined;
  #holds = 0;
  /** Bumped by stop(), so a spawn that was under way when it was called does not outlive it. */
  #epoch = 0;
  #crashedWhileHeld = false;
  /** Processes whose exit was asked for (stop/restart), so it is not taken for a crash. */
  readonly #expected = new WeakSet<CollectorProcess>();

  constructor(options: ProcessSupervisorOptions) {
    this.#o = options;
    const { initialMs, maxMs } = options.restartBackoff;
    // Full jitter over half the window, on top of the other half: equal jitter.
    this.#backoff = new FullJitterBackoff({ initialMs: initialMs / 2, maxMs: maxMs / 2 }, options.random);
  }

  get state(): ProcessState {
    return this.#state;
  }

  /** The running process, if any. */
  get current(): CollectorProcess | undefined {
    return this.#current?.running === true ? this.#current : undefined;
  }

  /**
   * Starts the collector unless it runs already.
   * @throws CollectorStartError when the binary cannot be started
   */
  async start(): Promise<CollectorProcess> {
    if (this.current !== undefined) return this.current;
    this.#cancelTimer();
    return this.#spawn();
  }

  /** Stops the collector (if running) and starts a fresh one; clears a crash loop. */
  async restart(): Promise<CollectorProcess> {
    this.#cancelTimer();
    this.#crashesInARow = 0;
    this.#backoff.reset();
    await this.#stopCurrent();
    return this.#spawn();
  }

  /** Stops the collector and every pending restart. */
  async stop(): Promise<void> {
    this.#epoch += 1;
    this.#cancelTimer();
    await this.#stopCurrent();
    this.#state = 'stopped';
    this.#o.onEvent({ type: 'stopped' });
  }

  /**
   * Holds crash restarts (while a config is applied, the applier decides what runs); the returned
   * function releases the hold, and a crash that happened meanwhile is then handled as usual.
   */
  holdCrashRestarts(): () => void {
    this.#holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds -= 1;
      if (this.#holds === 0 && this.#crashedWhileHeld && this.current === undefined && this.#state !== 'stopped') {
        this.#crashedWhileHeld = false;
        this.#scheduleRestart();
      }
    };
  }

  async #spawn(): Promise<CollectorProcess> {
    const epoch = this.#epoch;
    const proc = await this.#o.spawn();
    if (epoch !== this.#epoch) {
      this.#expected.add(proc);
      await proc.stop();
      throw new CollectorStartError('the collector was stopped while it was starting');
    }
    this.#current = proc;
    this.#state = 'running';
    this.#crashedWhileHeld = false;
    void proc.exited.then((exit) => this.#onExit(proc, exit));
    this.#o.logger.info({ collectorPid: proc.pid }, 'collector started');
    this.#o.onEvent({ type: 'started', process: proc });
    return proc;
  }

  async #stopCurrent(): Promise<void> {
    const proc = this.#current;
    if (proc === undefined) return;
    this.#expected.add(proc);
    const exit = await proc.stop();
    this.#o.logger.info({ collectorPid: proc.pid, code: exit.code, signal: exit.signal }, 'collector stopped');
  }

  #onExit(proc: CollectorProcess, exit: CollectorExit): void {
    if (this.#expected.has(proc) || this.#current !== proc) return;
    const reason = describeExit(exit);
    const ranMs = Date.now() - Number(proc.startedAtUnixNano / 1_000_000n);
    if (ranMs >= this.#o.stableAfterMs) {
      this.#crashesInARow = 0;
      this.#backoff.reset();
    }
    this.#crashesInARow += 1;
    this.#o.logger.warn({ collectorPid: proc.pid, code: exit.code, signal: exit.signal, crashesInARow: this.#crashesInARow }, reason);
    if (this.#holds > 0) {
      this.#crashedWhileHeld = true;
      this.#o.onEvent({ type: 'crashed', exit, reason, restartInMs: undefined });
      return;
    }
    this.#handleCrash(exit, reason);
  }

  #handleCrash(exit: CollectorExit, reason: string): void {
    if (this.#crashesInARow > this.#o.maxCrashRestarts) {
      this.#state = 'crash-loop';
      this.#o.logger.error({ crashes: this.#crashesInARow }, 'collector keeps crashing; not restarting it until a restart or a new config');
      this.#o.onEvent({ type: 'crashed', exit, reason, restartInMs: undefined });
      return;
    }
    const delay = this.#scheduleRestart();
    this.#o.onEvent({ type: 'crashed', exit, reason, restartInMs: delay });
  }

  #scheduleRestart(): number {
    const delay = Math.floor(this.#backoff.ceilingMs()) + this.#backoff.next();
    this.#state = 'backoff';
    this.#cancelTimer();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const epoch = this.#epoch;
      this.#spawn().catch((err: unknown) => {
        if (epoch === this.#epoch) this.#onSpawnFailure(err);
      });
    }, delay);
    return delay;
  }

  #onSpawnFailure(err: unknown): void {
    this.#o.logger.error(errorFields(err), 'collector restart failed');
    this.#crashesInARow += 1;
    const reason = err instanceof Error ? err.message : String(err);
    this.#handleCrash({ code: null, signal: null, stderrTail: reason }, reason);
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
