import { constants } from 'node:os';
import type { CleanupStack, CleanupState } from './cleanup-stack.js';

/** The stop request (counted from 1) at which a cleanup in progress is abandoned. */
export const FORCE_EXIT_AT = 3;
/**
 * A signal this soon after the previous one is the same stop request. Under the `tsx` CLI (the
 * `npm run bench:*` scripts) a Ctrl-C reaches the benchmark twice: from the terminal, which
 * signals the whole process group, and relayed by tsx when the benchmark has not acknowledged it
 * within 30 ms. Counted twice, one Ctrl-C and a second one would force exit.
 */
export const SAME_SIGNAL_WINDOW_MS = 250;

/** What to do about one stop request (a signal or the deadline). */
export type StopAction =
  /** Nothing is being cleaned up yet: start the cleanup, exit once it ended. */
  | { readonly kind: 'clean-up' }
  /** The cleanup runs: say so and let it finish. */
  | { readonly kind: 'keep-going'; readonly message: string }
  /** Exit now; `message` names what may be left behind. */
  | { readonly kind: 'force-exit'; readonly message: string };

/**
 * The action for the `count`-th stop request (1-based, every signal and the deadline counted),
 * given the cleanup's state and its pending steps (running one first). Requests before
 * {@link FORCE_EXIT_AT} never interrupt a cleanup: a second Ctrl-C is usually impatience, and
 * cutting the pass short is what left a stream and keys behind before.
 */
export function stopAction(count: number, state: CleanupState, pending: readonly string[]): StopAction {
  if (state === 'idle') return { kind: 'clean-up' };
  if (state === 'done') return { kind: 'force-exit', message: 'cleanup already finished; exiting' };
  const steps = pending.length === 0 ? 'its last step' : `${pending.length} step(s) left: ${pending.join('; ')}`;
  if (count < FORCE_EXIT_AT) {
    const more = FORCE_EXIT_AT - count;
    return { kind: 'keep-going', message: `cleanup in progress, ${steps}; send ${more} more stop signal(s) to force exit, which may leave them behind` };
  }
  const left = pending.length === 0 ? 'nothing listed (the last step was ending)' : pending.map((p) => `\n  - ${p}`).join('');
  return { kind: 'force-exit', message: `forced exit during cleanup; may be left behind:${left}` };
}

/** Options of {@link RunStopper}. */
export interface RunStopperOptions {
  readonly cleanup: CleanupStack;
  /** Prints the cleanup's outcome (called once, whichever path finishes the run). */
  readonly report: (failures: readonly string[]) => void;
  /** One line to the operator; default stderr. */
  readonly write?: (line: string) => void;
  /** Ends the process; default `process.exit`. */
  readonly exit?: (code: number) => void;
}

/**
 * Ends a benchmark run exactly once, after its cleanup: from the main path ({@link finish}), a
 * signal or the deadline ({@link request}). Whichever comes first runs the cleanup, the others
 * join it; the exit code is the first stop request's, else the main path's.
 */
export class RunStopper {
  readonly #options: RunStopperOptions;
  readonly #write: (line: string) => void;
  readonly #exit: (code: number) => void;
  #requests = 0;
  #lastSignalAt = Number.NEGATIVE_INFINITY;
  #stopCode: number | undefined;
  #finished: Promise<void> | undefined;
  #dispose: () => void = () => undefined;

  constructor(options: RunStopperOptions) {
    this.#options = options;
    this.#write = options.write ?? ((line) => void process.stderr.write(`${line}\n`));
    this.#exit = options.exit ?? ((code) => process.exit(code));
  }

  /** The exit code of the first stop request, if there was one. */
  get stopCode(): number | undefined {
    return this.#stopCode;
  }

  /**
   * Handles SIGINT and SIGTERM (exit code 128 + signal number) and, with `deadlineMs`, a
   * deadline (exit code 1) as stop requests. The handlers stay installed for the life of the
   * process: under the `tsx` CLI a signal that finds no listener ends the process at once.
   */
  install(deadlineMs?: number): void {
    const onSignal = (signal: NodeJS.Signals): void => this.signal(signal);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const deadline = deadlineMs === undefined ? undefined : setTimeout(() => this.request(`timeout after ${deadlineMs / 1000} s`, 1), deadlineMs);
    this.#dispose = () => clearTimeout(deadline);
  }

  /**
   * A stop signal (exit code 128 + its number) received at `now` (epoch ms); one within
   * {@link SAME_SIGNAL_WINDOW_MS} of the previous signal is the same request and ignored.
   */
  signal(signal: NodeJS.Signals, now = Date.now()): void {
    const echo = now - this.#lastSignalAt < SAME_SIGNAL_WINDOW_MS;
    this.#lastSignalAt = now;
    if (!echo) this.request(signal, 128 + (constants.signals[signal] ?? 0));
  }

  /** One stop request, named `reason` in messages; see {@link stopAction}. */
  request(reason: string, exitCode: number): void {
    this.#requests += 1;
    const action = stopAction(this.#requests, this.#options.cleanup.state, this.#options.cleanup.pending());
    if (action.kind === 'clean-up') {
      this.#stopCode = exitCode;
      this.#write(`\n${reason}: cleaning up (${FORCE_EXIT_AT - 1} more stop signals force exit)`);
      void this.finish(exitCode);
    } else {
      this.#write(`${reason}: ${action.message}`);
      if (action.kind === 'force-exit') this.#exit(this.#stopCode ?? exitCode);
    }
  }

  /**
   * Runs the cleanup (or joins the pass already running), reports its failures once and exits
   * with the first stop request's code, else `exitCode` (1 instead of 0 when the cleanup
   * failed). Every call resolves (if `exit` returns) after the first call's exit.
   */
  finish(exitCode: number): Promise<void> {
    this.#finished ??= (async () => {
      const failures = await this.#options.cleanup.run();
      this.#dispose();
      this.#options.report(failures);
      // Something left behind fails an otherwise successful run.
      this.#exit(this.#stopCode ?? (exitCode === 0 && failures.length > 0 ? 1 : exitCode));
    })();
    return this.#finished;
  }
}
