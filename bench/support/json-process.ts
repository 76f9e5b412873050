import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { loaderArgs } from '@shepherd/testing';

/** A child process that prints one JSON object per line (the load generator). */
export interface JsonProcess {
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once it ended; never rejects. */
  readonly exited: Promise<number | string>;
  /** The last 16 KiB of stderr. */
  stderr(): string;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Spawns `node [...nodeArgs] [--import tsx] <main> ...args` (tsx for TypeScript sources) and hands
 * every JSON line to `onRecord` (other lines are ignored). The caller registers a cleanup
 * step that kills it.
 */
export function spawnJsonProcess(
  main: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  onRecord: (record: Record<string, unknown>) => void,
  nodeArgs: readonly string[] = [],
): JsonProcess {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...loaderArgs(main), main, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not spawn ${main}`);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-16_384)));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    try {
      onRecord(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // A partial line from a killed process: nothing to report.
    }
  });
  const exited = new Promise<number | string>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return {
    pid: child.pid,
    exited,
    stderr: () => stderr,
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}
