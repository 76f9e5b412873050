import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { errorFields, type AgentLogger } from './agent-logger.js';
import { CollectorStartError } from './supervisor-errors.js';

/** How one collector process ended. */
export interface CollectorExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last stderr lines (bounded), the collector's own account of why it stopped. */
  readonly stderrTail: string;
}

/** What is needed to spawn the collector. */
export interface CollectorSpawnOptions {
  readonly binary: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly stopTimeoutMs: number;
  readonly logger: AgentLogger;
}

const MAX_LINE_CHARS = 4_096;
const STDERR_TAIL_LINES = 10;
const MAX_TAIL_CHARS = 2_000;
/** After `exit`, how long to wait for the output streams to drain before reporting the exit. */
const STREAM_DRAIN_MS = 500;

/**
 * One run of the collector: spawned with its output logged line by line, watched until it
 * exits. Restarting is the {@link ProcessSupervisor}'s job; an instance never respawns.
 */
export class CollectorProcess {
  readonly pid: number;
  /** When the process was spawned, in Unix nanoseconds. */
  readonly startedAtUnixNano: bigint;
  /** Resolves once, when the process has exited (never rejects). */
  readonly exited: Promise<CollectorExit>;
  readonly #child: ChildProcess;
  readonly #stopTimeoutMs: number;
  #exit: CollectorExit | undefined;

  private constructor(child: ChildProcess, options: CollectorSpawnOptions) {
    this.#child = child;
    this.#stopTimeoutMs = options.stopTimeoutMs;
    this.pid = child.pid ?? -1;
    this.startedAtUnixNano = BigInt(Date.now()) * 1_000_000n;
    const tail: string[] = [];
    pipeLines(child, 'stdout', options.logger, this.pid);
    pipeLines(child, 'stderr', options.logger, this.pid, (line) => {
      tail.push(line);
      if (tail.length > STDERR_TAIL_LINES) tail.shift();
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const report = (): void => {
          this.#exit ??= { code, signal, stderrTail: tail.join('\n').slice(-MAX_TAIL_CHARS) };
          resolve(this.#exit);
        };
        const timer = setTimeout(report, STREAM_DRAIN_MS);
        child.once('close', () => {
          clearTimeout(timer);
          report();
        });
      });
    });
  }

  /**
   * Spawns the collector; resolves once the OS started it.
   * @throws CollectorStartError when it cannot be started (missing binary, not executable)
   */
  static spawn(options: CollectorSpawnOptions): Promise<CollectorProcess> {
    return new Promise((resolve, reject) => {
      const child = spawn(options.binary, [...options.args], {
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.once('error', (err) => {
        if (child.pid === undefined) reject(new CollectorStartError(`cannot start the collector ${options.binary}: ${err.message}`, { cause: err }));
        else options.logger.error({ collectorPid: child.pid, ...errorFields(err) }, 'collector process error');
      });
      child.once('spawn', () => resolve(new CollectorProcess(child, options)));
    });
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Sends a signal; false when the process is gone. */
  signal(signal: NodeJS.Signals): boolean {
    return this.running && this.#child.kill(signal);
  }

  /** SIGTERM, then SIGKILL when it has not exited within the stop timeout; resolves with the exit. */
  async stop(): Promise<CollectorExit> {
    if (!this.signal('SIGTERM')) return this.exited;
    const timer = setTimeout(() => this.signal('SIGKILL'), this.#stopTimeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A one-line account of an exit, for health and FAILED messages. */
export function describeExit(exit: CollectorExit): string {
  const how = exit.signal === null ? `exited with code ${exit.code ?? 'unknown'}` : `was killed by ${exit.signal}`;
  return exit.stderrTail === '' ? `collector ${how}` : `collector ${how}: ${lastLines(exit.stderrTail, 3)}`;
}

function lastLines(text: string, count: number): string {
  return text.split('\n').filter((l) => l.trim() !== '').slice(-count).join(' | ');
}

function pipeLines(child: ChildProcess, stream: 'stdout' | 'stderr', logger: AgentLogger, pid: number, onLine?: (line: string) => void): void {
  const input = child[stream];
  if (input === null) return;
  const lines = createInterface({ input, crlfDelay: Infinity });
  lines.on('line', (raw) => {
    const line = raw.length > MAX_LINE_CHARS ? `${raw.slice(0, MAX_LINE_CHARS)}…` : raw;
    onLine?.(line);
    if (stream === 'stdout') logger.info({ collectorPid: pid, stream }, line);
    else logger.warn({ collectorPid: pid, stream }, line);
  });
}
