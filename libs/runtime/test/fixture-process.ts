import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNTIME_DIR = fileURLToPath(new URL('..', import.meta.url));

/** A fixture script running in a child process, with its output collected. */
export interface FixtureProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves once stdout contains `text`; rejects if the process exits first. */
  waitForStdout(text: string): Promise<void>;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | NodeJS.Signals>;
  /** Kills the process if it still runs. */
  kill(): void;
}

/**
 * Runs `test/fixtures/<name>` with node + tsx (no npx wrapper, so signals
 * reach the script itself), with `env` replacing the inherited environment's
 * entries of the same name.
 */
export function startFixture(name: string, env: Record<string, string | undefined> = {}): FixtureProcess {
  const script = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: RUNTIME_DIR,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('close', (code, signal) => resolve(code ?? signal ?? -1));
  });
  const waitForStdout = (text: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const onData = (): void => {
        if (!out.includes(text)) return;
        child.stdout.off('data', onData);
        resolve();
      };
      child.stdout.on('data', onData);
      onData();
      void exited.then((code) =>
        reject(new Error(`fixture ${name} exited (${String(code)}) before printing "${text}"; stderr: ${err}`)),
      );
    });
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  return { child, stdout: () => out, stderr: () => err, waitForStdout, exited, kill };
}
