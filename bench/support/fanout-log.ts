import { performance } from 'node:perf_hooks';
import type { ServiceLogger } from '@shepherd/config-service';

/** The end of one fan-out as the config service logged it. */
export interface FanoutEnd {
  /** performance.now() ms when the service logged it. */
  readonly at: number;
  readonly agents: number;
  readonly offered: number;
  readonly batches: number;
}

/** The service's logger: warnings and errors go to stderr; fan-out ends can be awaited. */
export interface FanoutLog {
  readonly logger: ServiceLogger;
  /** Warnings and errors logged so far. */
  problems(): number;
  /** Resolves when the fan-out of `assignmentId` ended (also if it already has); rejects after `timeoutMs`. */
  waitForEnd(assignmentId: string, timeoutMs: number): Promise<FanoutEnd>;
}

/** Creates the logger the benchmark hands to the config service and the admin; `verbose` prints info lines too. */
export function fanoutLog(verbose = false): FanoutLog {
  const ended = new Map<string, FanoutEnd>();
  const waiters = new Map<string, (end: FanoutEnd) => void>();
  let problems = 0;
  const report = (level: string) => (obj: Record<string, unknown>, msg: string) => {
    problems += 1;
    process.stderr.write(`[config-service ${level}] ${msg} ${JSON.stringify(obj)}\n`);
  };
  const logger: ServiceLogger = {
    debug: () => undefined,
    info: (obj, msg) => {
      if (verbose) process.stderr.write(`[config-service info] ${msg} ${JSON.stringify(obj)}\n`);
      if (msg !== 'config change reconciled' || typeof obj['assignmentId'] !== 'string') return;
      const end = { at: performance.now(), agents: Number(obj['agents']), offered: Number(obj['offered']), batches: Number(obj['batches']) };
      ended.set(obj['assignmentId'], end);
      waiters.get(obj['assignmentId'])?.(end);
    },
    warn: report('warn'),
    error: report('error'),
  };
  return {
    logger,
    problems: () => problems,
    waitForEnd(assignmentId, timeoutMs) {
      const done = ended.get(assignmentId);
      if (done !== undefined) return Promise.resolve(done);
      return new Promise<FanoutEnd>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(assignmentId);
          reject(new Error(`the fan-out of assignment ${assignmentId} did not end within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.set(assignmentId, (end) => {
          clearTimeout(timer);
          waiters.delete(assignmentId);
          resolve(end);
        });
      });
    },
  };
}
