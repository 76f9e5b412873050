import { setTimeout as sleep } from 'node:timers/promises';
import { describeExit, type CollectorProcess } from './collector-process.js';
import { probeHealth, type HealthObservation } from './health-probe.js';
import { RemoteConfigApplyError } from './supervisor-errors.js';

/** What to wait for after a reload or restart. */
export interface TakeInWait {
  readonly process: CollectorProcess;
  /** The health URL of the new config; undefined when it has none (then only "still alive" is checked). */
  readonly healthUrl: string | undefined;
  /** sha256 of the config file bytes the collector should now run. */
  readonly sha256: string;
  /** Reloads the collector reported before the SIGHUP, when it reports them. */
  readonly reloadsBefore: number | undefined;
  readonly timeoutMs: number;
  readonly probeTimeoutMs: number;
}

const POLL_MS = 200;
/**
 * A collector whose health does not say which config it runs must stay up and healthy this long
 * (at most half the timeout) after the signal: a real collector answers healthy on the old config until it processed SIGHUP,
 * and exits when the new config does not load.
 */
export const SETTLE_MS = 1_000;

/**
 * Waits until the collector runs the new config and is healthy, within the timeout.
 * @throws RemoteConfigApplyError `exited` (the process died), `rejected` (its health reports a
 *   failed reload) or `health-timeout` (not healthy on the new config in time)
 */
export async function awaitConfigTaken(wait: TakeInWait): Promise<void> {
  const started = Date.now();
  const deadline = started + wait.timeoutMs;
  const settleMs = Math.min(SETTLE_MS, wait.timeoutMs / 2);
  let last: HealthObservation | undefined;
  for (;;) {
    await throwIfExited(wait.process);
    const remaining = deadline - Date.now();
    if (wait.healthUrl !== undefined) {
      last = await probeHealth(wait.healthUrl, Math.max(10, Math.min(wait.probeTimeoutMs, remaining)));
      await throwIfExited(wait.process);
      if (isTaken(last, wait.sha256, Date.now() - started >= settleMs)) return;
      if (isRejected(last, wait)) throw new RemoteConfigApplyError('rejected', `collector rejected the config: ${last.lastError}`);
    } else if (Date.now() - started >= settleMs) {
      return;
    }
    if (Date.now() >= deadline) {
      throw new RemoteConfigApplyError('health-timeout', `collector not healthy on the new config within ${wait.timeoutMs} ms: ${describe(last, wait.sha256)}`);
    }
    await Promise.race([sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now()))), wait.process.exited]);
  }
}

function isTaken(o: HealthObservation, sha256: string, settled: boolean): boolean {
  if (!o.healthy) return false;
  return o.configSha256 === undefined ? settled : o.configSha256 === sha256;
}

/** It still runs another config, reports a reload error, and (when it counts them) reloaded since the signal. */
function isRejected(o: HealthObservation, wait: TakeInWait): o is HealthObservation & { lastError: string } {
  if (o.configSha256 === undefined || o.configSha256 === wait.sha256 || o.lastError === undefined || o.lastError === '') return false;
  return wait.reloadsBefore === undefined || o.reloads === undefined || o.reloads > wait.reloadsBefore;
}

async function throwIfExited(proc: CollectorProcess): Promise<void> {
  if (proc.running) return;
  const exit = await proc.exited;
  throw new RemoteConfigApplyError('exited', `collector failed on the new config: ${describeExit(exit)}`);
}

function describe(o: HealthObservation | undefined, sha256: string): string {
  if (o === undefined) return 'no health answer';
  if (!o.healthy) return o.error;
  if (o.configSha256 !== undefined && o.configSha256 !== sha256) return `it still runs config ${o.configSha256.slice(0, 12)}`;
  return `status ${o.status}`;
}
