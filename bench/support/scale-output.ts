import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import type { ScaleEngines } from './scale-system.js';

/** One ramp sample: agents connected at the load generators and each gateway's RSS. */
export interface RampPoint {
  /** Seconds since the load generators were started. */
  readonly t: number;
  readonly connected: number;
  /** Per gateway, in start order; null once a gateway is gone. */
  readonly gatewayRssMiB: readonly (number | null)[];
  /** Agent events the config service had not acknowledged (absent in files written before it was sampled). */
  readonly backlog?: number;
}

/** One kill sample (scenario d). */
export interface KillPoint {
  /** Seconds since the kill -9. */
  readonly t: number;
  readonly connected: number;
  /** Agents the store lists online on a surviving gateway. */
  readonly storeOnlineOnSurvivors: number;
  /** Agent events the config service had not acknowledged. */
  readonly backlog?: number;
}

/** The machine a run was measured on. */
export interface MachineInfo {
  readonly cores: number;
  readonly model: string;
  readonly node: string;
  readonly memGiB: number;
}

/** What `agent-scale --out FILE` writes; `bench/plot-benchmarks.ts` reads it. */
export interface AgentScaleOutput {
  readonly kind: 'agent-scale';
  /** ISO time the file was written. */
  readonly at: string;
  readonly machine: MachineInfo;
  /**
   * The engines the run used (`--embedded`: one all-in-one process on PGlite, the in-process bus
   * and in-memory ownership). Absent in files written before it was recorded: those are all 'real'
   * (see {@link enginesOf}).
   */
  readonly engines?: ScaleEngines;
  readonly args: Readonly<Record<string, unknown>>;
  /** The `RESULT` line's figures (ramp, steady, fanout, killGateway, load). */
  readonly results: Readonly<Record<string, unknown>>;
  /** Set when the run failed; `results` and `series` then hold what was measured before. */
  readonly error?: string;
  readonly series: {
    readonly ramp: readonly RampPoint[];
    readonly fanout?: {
      /** Per-agent APPLIED latency (ms after the POST), ascending; element i is the fraction (i + 1) / length (see downsampleSorted). */
      readonly latenciesMs: readonly number[];
      /** Agents whose APPLIED status is in the store, `t` seconds after the POST. */
      readonly storeApplied: readonly { readonly t: number; readonly applied: number; readonly backlog?: number }[];
    };
    readonly kill?: readonly KillPoint[];
  };
}

/** The engines of a result file; files written before `engines` was recorded used the real ones. */
export function enginesOf(output: Pick<AgentScaleOutput, 'engines'>): ScaleEngines {
  return output.engines ?? 'real';
}

/** This machine, for the record. */
export function machineInfo(): MachineInfo {
  return { cores: availableParallelism(), model: cpus()[0]?.model ?? 'unknown', node: process.version, memGiB: Math.round(totalmem() / 2 ** 30) };
}

/** Writes `output` as indented JSON, creating the directory. */
export async function writeScaleOutput(file: string, output: AgentScaleOutput): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(output, null, 1)}\n`);
}

/** The largest `backlog` of `points` (0 when none was sampled). */
export function peakBacklog(points: readonly { readonly backlog?: number }[]): number {
  return points.reduce((peak, p) => Math.max(peak, p.backlog ?? 0), 0);
}
