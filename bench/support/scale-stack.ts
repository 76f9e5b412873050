import type { CleanupStack } from './cleanup-stack.js';
import { startLoadgenFleet, type LoadgenFleet } from './loadgen-fleet.js';
import { sampleProcess, type ProcSample } from './proc-stats.js';
import { firstConnectionSplit, type ScaleArgs } from './scale-args.js';
import { startEmbeddedSystem } from './scale-embedded.js';
import type { AgentScaleOutput, KillPoint, RampPoint } from './scale-output.js';
import { startRealSystem } from './scale-real.js';
import type { ScaleSystem } from './scale-system.js';
import { startSampler, type Sampler } from './series-sampler.js';

export const MiB = 1024 * 1024;
/** Prints one line on stdout (the benchmark's report). */
export const say = (line = ''): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One `agent-scale` run in progress: the system under test, the load and what was measured so far. */
export interface Stack {
  readonly system: ScaleSystem;
  readonly fleet: LoadgenFleet;
  readonly args: ScaleArgs;
  /** The figures of each phase, by phase (`ramp`, `steady`, `fanout`, `killGateway`). */
  readonly results: Record<string, unknown>;
  /** Samples of the gateway processes (or the all-in-one) taken before any agent connected. */
  readonly baseline: (ProcSample | undefined)[];
  /** Sampling since the load generators were started (epoch ms `rampT0`); stopped by the ramp phase. */
  readonly rampSampler: Sampler<RampPoint>;
  readonly rampT0: number;
  readonly series: { ramp: readonly RampPoint[]; fanout?: AgentScaleOutput['series']['fanout']; kill?: readonly KillPoint[] };
}

/** RSS in MiB with one decimal, null once the process is gone. */
export const rssMiB = (sample: ProcSample | undefined): number | null => (sample ? +(sample.rssBytes / MiB).toFixed(1) : null);

/**
 * Starts the system under test (real engines or, with `--embedded`, the all-in-one), takes the
 * memory baseline, then the load generators and the ramp sampler. Everything is on `cleanup`.
 */
export async function startStack(args: ScaleArgs, cleanup: CleanupStack): Promise<Stack> {
  const options = { gateways: args.gateways, cpuProfDir: args.cpuProfDir, env: args.env };
  const system = args.embedded ? await startEmbeddedSystem(options, cleanup) : await startRealSystem(options, cleanup);
  say(`started ${system.description}`);
  // Let the servers settle, then take the per-agent memory baseline before any agent exists.
  await sleep(2_000);
  await system.settleMemory?.();
  const baseline = await Promise.all(system.gateways.map((g) => sampleProcess(g.app.pid)));
  const rampT0 = Date.now();
  const fleet = startLoadgenFleet(
    {
      urls: system.gateways.map((g) => g.app.url('opampWs')),
      agents: args.agents,
      processes: args.clients,
      rampPerSecond: args.ramp,
      heartbeatMs: args.heartbeatMs,
      durationS: Math.min(3_600, args.timeoutS),
      token: system.token,
      labels: [`bench=${system.name}`],
      sourceAddresses: args.sourceAddresses,
      ...(args.victimAgents === undefined ? {} : { urlWeights: firstConnectionSplit(args.agents, args.gateways, args.victimAgents) }),
    },
    cleanup,
  );
  const backlog = system.configServiceBacklog;
  // /proc reads and one consumer listing: cheap enough every second even with many gateways.
  const rampSampler = startSampler(
    async (t): Promise<RampPoint> => ({
      t,
      connected: fleet.total().connected,
      gatewayRssMiB: (await Promise.all(system.gateways.map((g) => sampleProcess(g.app.pid)))).map(rssMiB),
      ...(backlog === undefined ? {} : { backlog: await backlog() }),
    }),
    1_000,
    rampT0,
  );
  return { system, fleet, args, results: {}, baseline, rampSampler, rampT0, series: { ramp: [] } };
}
