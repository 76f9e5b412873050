/** Where a {@link CleanupStack} is: steps are only run once. */
export type CleanupState = 'idle' | 'running' | 'done';

interface Step {
  readonly name: string;
  readonly run: () => Promise<unknown>;
  readonly timeoutMs: number | undefined;
}

/** Options of {@link CleanupStack.add}. */
export interface CleanupStepOptions {
  /** This step's time limit instead of the stack's (e.g. a verification that scans many keys). */
  readonly timeoutMs?: number;
}

/**
 * Undo steps run last-in first-out, each bounded in time, every one attempted even when others
 * fail. `run()` may be called from several places at once (the main path's `finally`, a signal
 * handler, a deadline): they all wait for the same single pass and get the same failures, so no
 * caller can report success, or exit the process, while steps are still running.
 */
export class CleanupStack {
  readonly #steps: Step[] = [];
  #current: string | undefined;
  #pass: Promise<string[]> | undefined;
  #state: CleanupState = 'idle';
  readonly #lateFailures: string[] = [];

  readonly #stepTimeoutMs: number;

  /** @param stepTimeoutMs the default time limit of one step */
  constructor(stepTimeoutMs = 15_000) {
    this.#stepTimeoutMs = stepTimeoutMs;
  }

  get state(): CleanupState {
    return this.#state;
  }

  /**
   * Registers `run` (named for messages: say what it removes, e.g. `drop schema scale_ab12`);
   * it runs before every step added earlier. Added while the pass runs, it runs next within that
   * pass (a resource created after the cleanup began must not outlive it). Added after the pass
   * ended, it runs at once; its failure then only shows in {@link lateFailures}.
   */
  add(name: string, run: () => Promise<unknown>, options: CleanupStepOptions = {}): void {
    const step = { name, run, timeoutMs: options.timeoutMs };
    if (this.#state === 'done') {
      void this.#runStep(step).then((failure) => failure === undefined || this.#lateFailures.push(failure));
      return;
    }
    this.#steps.push(step);
  }

  /** Names of the steps not finished yet, the running one first, in the order they will run. */
  pending(): string[] {
    const queued = [...this.#steps].reverse().map((s) => s.name);
    return this.#current === undefined ? queued : [this.#current, ...queued];
  }

  /** Failures of steps added after the pass ended (see {@link add}). */
  get lateFailures(): readonly string[] {
    return this.#lateFailures;
  }

  /**
   * Runs every step once, each given at most its own `timeoutMs` or else the constructor's
   * `stepTimeoutMs` (default 15 s); a step that times out is reported and may still be running.
   * Every call, concurrent or later, resolves with the failures of that one pass, as messages,
   * once it has ended; never rejects.
   */
  run(): Promise<string[]> {
    this.#pass ??= this.#runAll();
    return this.#pass;
  }

  async #runAll(): Promise<string[]> {
    this.#state = 'running';
    const failures: string[] = [];
    for (let step = this.#steps.pop(); step !== undefined; step = this.#steps.pop()) {
      this.#current = step.name;
      const failure = await this.#runStep(step);
      if (failure !== undefined) failures.push(failure);
    }
    this.#current = undefined;
    this.#state = 'done';
    return failures;
  }

  /** Resolves with the failure message, or undefined when the step succeeded. */
  async #runStep(step: Step): Promise<string | undefined> {
    const limitMs = step.timeoutMs ?? this.#stepTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not finish within ${limitMs} ms`)), limitMs);
    });
    try {
      await Promise.race([step.run(), timeout]);
      return undefined;
    } catch (err) {
      return `${step.name}: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      clearTimeout(timer);
    }
  }
}
