import { randomBytes } from 'node:crypto';
import { spawnJsonProcess, type JsonProcess } from './json-process.js';
import type { CleanupStack } from './cleanup-stack.js';
import { MAINS } from './app-bundles.js';

/** The last progress line of one load-generator process (see apps/loadgen). */
export interface LoadgenProgress {
  readonly started: number;
  readonly connected: number;
  readonly connecting: number;
  readonly connectErrors: number;
  readonly disconnects: number;
  readonly sent: Readonly<Record<string, number>>;
  readonly received: Readonly<Record<string, number>>;
  readonly applied: Readonly<Record<string, number>>;
}

/** Options of {@link startLoadgenFleet}. */
export interface LoadgenFleetOptions {
  readonly urls: readonly string[];
  readonly agents: number;
  readonly processes: number;
  /** Connections per second over all processes. */
  readonly rampPerSecond: number;
  readonly heartbeatMs: number;
  readonly durationS: number;
  readonly token: string;
  readonly labels: readonly string[];
  readonly sourceAddresses: number;
  /**
   * Ratio of first connections over `urls` (`--url-weights`, positive integers): every process
   * splits its agents in it within one agent per URL, so the fleet's split is within `processes`
   * agents per URL of it. Default: even. Reconnections go to a random other URL regardless.
   */
  readonly urlWeights?: readonly number[];
  readonly extraArgs?: readonly string[];
}

/** Several load-generator processes driven as one fleet. */
export interface LoadgenFleet {
  readonly pids: readonly number[];
  /** Sums of the processes' last progress lines. */
  total(): { started: number; connected: number; connecting: number; connectErrors: number; disconnects: number; sent: Record<string, number>; received: Record<string, number>; applied: Record<string, number> };
  /** Epoch ms of every APPLIED report for `hash` so far (all processes). */
  appliedTimes(hash: string): readonly number[];
  /** SIGTERM to every process; resolves once they all ended. */
  stop(): Promise<void>;
}

const add = (into: Record<string, number>, from: Readonly<Record<string, number>>): void => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
};

/** Starts `processes` load generators splitting `agents` between them (one run seed, distinct indexes). */
export function startLoadgenFleet(options: LoadgenFleetOptions, cleanup: CleanupStack): LoadgenFleet {
  const seed = randomBytes(8).toString('hex');
  const latest = new Map<number, LoadgenProgress>();
  const applied = new Map<string, number[]>();
  const procs: JsonProcess[] = [];
  const per = Math.ceil(options.agents / options.processes);
  for (let p = 0; p < options.processes; p += 1) {
    const count = Math.min(per, options.agents - p * per);
    if (count <= 0) break;
    const args = [
      ...options.urls.flatMap((url) => ['--url', url]),
      ...(options.urlWeights === undefined ? [] : ['--url-weights', options.urlWeights.join(',')]),
      ...options.labels.flatMap((label) => ['--label', label]),
      ...['--agents', String(count), '--first-index', String(p * per), '--run-seed', seed],
      ...['--ramp', String(Math.max(1, Math.round(options.rampPerSecond / options.processes))), '--heartbeat-ms', String(options.heartbeatMs)],
      ...['--duration-s', String(options.durationS), '--source-addresses', String(options.sourceAddresses), '--progress-ms', '1000'],
      ...(options.extraArgs ?? []),
    ];
    const proc = spawnJsonProcess(MAINS.loadgen, args, { LOADGEN_TOKEN: options.token }, (record) => {
      if (record['msg'] === 'loadgen progress') latest.set(p, record as unknown as LoadgenProgress);
      else if (record['msg'] === 'loadgen applied') {
        const hash = String(record['hash']);
        let times = applied.get(hash);
        if (times === undefined) applied.set(hash, (times = []));
        times.push(...(record['times'] as number[]));
      }
    });
    cleanup.add(`kill loadgen ${proc.pid}`, async () => {
      proc.kill('SIGKILL');
      await proc.exited;
    });
    procs.push(proc);
  }
  return {
    pids: procs.map((p) => p.pid),
    total() {
      const sum = { started: 0, connected: 0, connecting: 0, connectErrors: 0, disconnects: 0, sent: {}, received: {}, applied: {} };
      for (const p of latest.values()) {
        sum.started += p.started;
        sum.connected += p.connected;
        sum.connecting += p.connecting;
        sum.connectErrors += p.connectErrors;
        sum.disconnects += p.disconnects;
        add(sum.sent, p.sent);
        add(sum.received, p.received);
        add(sum.applied, p.applied);
      }
      return sum;
    },
    appliedTimes: (hash) => applied.get(hash) ?? [],
    async stop() {
      procs.forEach((p) => p.kill('SIGTERM'));
      const killer = setTimeout(() => procs.forEach((p) => p.kill('SIGKILL')), 15_000);
      await Promise.all(procs.map((p) => p.exited));
      clearTimeout(killer);
    },
  };
}
