/**
 * Runs a Shepherd app (`apps/<name>/src/main.ts`) as a child process for
 * end-to-end tests: parsed JSON log lines, waiting for a log record, the
 * URLs it announced, signals, and a registry so leftovers are always killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { isAbsolute } from 'node:path';
import { createInterface } from 'node:readline';
import { ChangeWatchers } from '../change-watchers.js';
import { parseLogLine, urlsFromLogs, type AppLogRecord, type AppUrls } from './app-log.js';

/** Options of {@link startAppProcess}. */
export interface AppProcessOptions {
  /** Absolute path of the app's entry: sources (`…/apps/all-in-one/src/main.ts`, run with `--import tsx`) or a bundle (`…/dist/apps/all-in-one/main.js`). */
  readonly main: string;
  /**
   * The child's environment besides PATH; nothing else of this process's
   * environment is passed on. `undefined` values are left out.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Shown in errors; default the entry path. */
  readonly name?: string;
  /** Working directory; default this process's. `tsx` is resolved from it. */
  readonly cwd?: string;
  /** Most log records kept (oldest dropped); default 5000. */
  readonly logLimit?: number;
  /**
   * Options for node itself, placed before the entry (and `--import tsx`) (e.g. `--cpu-prof`,
   * which NODE_OPTIONS does not accept); default none. Not validated: an option
   * node rejects makes the child exit at once, which `waitForLog` reports.
   */
  readonly nodeArgs?: readonly string[];
}

/** How a child ended. */
export interface AppExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** What {@link AppProcess.waitForLog} looks for: a `msg` value or a predicate over records. */
export type LogMatch = string | ((record: AppLogRecord) => boolean);

/** A running (or ended) app process. */
export interface AppProcess {
  readonly name: string;
  readonly pid: number;
  /** Log records kept so far (bounded by `logLimit`), oldest first. */
  readonly logs: readonly AppLogRecord[];
  /** How many records were logged in total, the dropped ones included; pass it as `since`. */
  readonly logCount: number;
  /** The last 64 KiB of stderr. */
  readonly stderr: string;
  /** Set once the process has ended. */
  readonly exit: AppExit | undefined;
  /** Resolves when the process has ended (never rejects). */
  readonly exited: Promise<AppExit>;
  /**
   * Resolves with the first record (at index `since` or later, counting every
   * record logged) that matches. Rejects after `timeoutMs` (default 30 000) or
   * as soon as the process ends without one, quoting the tail of its output.
   */
  waitForLog(match: LogMatch, timeoutMs?: number, since?: number): Promise<AppLogRecord>;
  /** URLs announced in the logs so far. */
  urls(): AppUrls;
  /** One announced URL. @throws Error naming the app when it was not announced (yet). */
  url(kind: keyof AppUrls): string;
  /** Sends a signal (default SIGTERM) unless the process has ended. */
  kill(signal?: NodeJS.Signals): void;
  /**
   * SIGTERM, then SIGKILL when it has not ended within `graceMs` (default
   * 10 000); resolves with how it ended.
   */
  stop(graceMs?: number): Promise<AppExit>;
}

const STDERR_LIMIT = 64 * 1024;
/** Children not yet closed → when they close. */
const running = new Map<ChildProcess, Promise<AppExit>>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test runner that dies mid-test must not leave servers holding ports.
  process.once('exit', () => {
    for (const child of running.keys()) child.kill('SIGKILL');
  });
}

function describeMatch(match: LogMatch): string {
  return typeof match === 'string' ? `log "${match}"` : 'a matching log record';
}

function childEnv(env: AppProcessOptions['env']): Record<string, string> {
  const out: Record<string, string> = { PATH: process.env['PATH'] ?? '' };
  for (const [key, value] of Object.entries(env ?? {})) if (value !== undefined) out[key] = value;
  return out;
}

class RunningApp implements AppProcess {
  readonly name: string;
  readonly pid: number;
  readonly logs: AppLogRecord[] = [];
  readonly exited: Promise<AppExit>;
  logCount = 0;
  stderr = '';
  exit: AppExit | undefined;
  readonly #child: ChildProcess;
  readonly #logLimit: number;
  readonly #watchers = new ChangeWatchers<RunningApp>(this, () => `app ${this.name}`);

  constructor(child: ChildProcess, name: string, logLimit: number) {
    this.#child = child;
    this.name = name;
    this.#logLimit = logLimit;
    child.on('error', (err) => {
      this.stderr = `${this.stderr}[startAppProcess] ${err.message}\n`.slice(-STDERR_LIMIT);
    });
    if (child.pid === undefined) throw new Error(`app ${name}: spawn failed`);
    this.pid = child.pid;
    this.exited = new Promise<AppExit>((resolve) => {
      // 'close' (not 'exit') so every stdout line has been read when the end is reported.
      child.once('close', (code, signal) => {
        running.delete(child);
        this.exit = Object.freeze({ code, signal });
        resolve(this.exit);
        this.#watchers.notify();
      });
    });
    createInterface({ input: child.stdout! }).on('line', (line) => this.#onLine(line));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_LIMIT);
    });
  }

  #onLine(line: string): void {
    if (line.trim() === '') return;
    this.logs.push(parseLogLine(line));
    this.logCount += 1;
    if (this.logs.length > this.#logLimit) this.logs.splice(0, this.logs.length - this.#logLimit);
    this.#watchers.notify();
  }

  #firstMatch(test: (record: AppLogRecord) => boolean, since: number): AppLogRecord | undefined {
    const firstKept = this.logCount - this.logs.length;
    for (let i = Math.max(0, since - firstKept); i < this.logs.length; i += 1) {
      const record = this.logs[i]!;
      if (test(record)) return record;
    }
    return undefined;
  }

  #tail(): string {
    const out = this.logs
      .slice(-8)
      .map((r) => r.raw ?? JSON.stringify(r))
      .join('\n');
    return `last stdout lines:\n${out}\nstderr tail:\n${this.stderr.slice(-2000)}`;
  }

  async waitForLog(match: LogMatch, timeoutMs = 30_000, since = 0): Promise<AppLogRecord> {
    const test = typeof match === 'string' ? (r: AppLogRecord) => r.msg === match : match;
    try {
      const found = await this.#watchers.waitFor(
        () => {
          const record = this.#firstMatch(test, since);
          if (record !== undefined) return { record };
          if (this.exit !== undefined) {
            throw new Error(`app ${this.name} ended (code ${this.exit.code}, signal ${this.exit.signal}) before ${describeMatch(match)}`);
          }
          return undefined;
        },
        { timeoutMs, description: describeMatch(match) },
      );
      return found.record;
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${this.#tail()}`, { cause: err });
    }
  }

  urls(): AppUrls {
    return urlsFromLogs(this.logs);
  }

  url(kind: keyof AppUrls): string {
    const value = this.urls()[kind];
    if (value === undefined) throw new Error(`app ${this.name} has not announced its ${kind} URL\n${this.#tail()}`);
    return value;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.exit === undefined) this.#child.kill(signal);
  }

  async stop(graceMs = 10_000): Promise<AppExit> {
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Node options that run `main`: none for JavaScript (a built bundle), `--import tsx` for TypeScript sources. */
export function loaderArgs(main: string): string[] {
  return /\.[cm]?js$/.test(main) ? [] : ['--import', 'tsx'];
}

/**
 * Spawns `node [...nodeArgs] [--import tsx] <main>` (tsx for TypeScript sources, see
 * {@link loaderArgs}) with only PATH and `env` in its
 * environment, and registers it so {@link stopAllAppProcesses} (and this
 * process's exit) kill it. Returns at once; wait with `waitForLog('ready')`.
 * @throws TypeError when `main` is not an absolute path; Error when spawning fails.
 */
export function startAppProcess(options: AppProcessOptions): AppProcess {
  if (!isAbsolute(options.main)) throw new TypeError(`startAppProcess: main must be an absolute path, got ${options.main}`);
  const logLimit = options.logLimit ?? 5000;
  if (!Number.isInteger(logLimit) || logLimit < 1) throw new TypeError('startAppProcess: logLimit must be a positive integer');
  installExitHook();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loaderArgs(options.main), options.main], {
    cwd: options.cwd,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const app = new RunningApp(child, options.name ?? options.main, logLimit);
  running.set(child, app.exited);
  return app;
}

/**
 * SIGKILLs every app process started here that is still running and waits
 * until they have ended. Call it in afterEach/afterAll so no test leaves a
 * server behind, whatever happened.
 */
export async function stopAllAppProcesses(): Promise<void> {
  const entries = [...running];
  for (const [child] of entries) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(entries.map(([, closed]) => closed));
}
