/** Scenarios (a) ramp and (b) steady state of agent-scale, on either kind of system. */
import { cpuPercent, groupCpuPercent, loadAverage as load, sampleProcess, type ProcSample } from './proc-stats.js';
import { scrape, sumByLabel } from './prom-text.js';
import { peakBacklog } from './scale-output.js';
import { MiB, rssMiB, say, type Stack } from './scale-stack.js';
import type { EngineSnapshot } from './scale-system.js';
import { waitUntil } from './wait-until.js';

/**
 * Store checks poll at this interval, not every 100 ms: a count over 50 000 rows ten times a
 * second took a visible share of PostgreSQL's CPU from the system under test.
 */
export const STORE_POLL_MS = 500;

/** (a) Until every agent is connected, then until the store lists every one online. */
export async function rampPhase(s: Stack): Promise<void> {
  const { args, fleet, system } = s;
  say(`\n(a) ramp to ${args.agents} agents at ${args.ramp}/s over ${args.clients} load-generator process(es)`);
  const timeoutMs = Math.ceil((args.agents / args.ramp) * 3_000) + 120_000;
  const report = (): string => {
    const t = fleet.total();
    return `connected ${t.connected}/${args.agents}, connecting ${t.connecting}, connect errors ${t.connectErrors}, disconnects ${t.disconnects}`;
  };
  let connectedMs: number;
  let inventoryMs: number;
  try {
    // From the load generators' start, so their own start-up (a second or so) is included.
    await waitUntil('every agent connected', timeoutMs, () => fleet.total().connected >= args.agents, report);
    connectedMs = Date.now() - s.rampT0;
    say(`  all ${args.agents} agents connected ${(connectedMs / 1000).toFixed(1)} s after the load generators started (${report()})`);
    let online = 0;
    inventoryMs = await waitUntil(
      'the store listing every agent online',
      timeoutMs,
      async () => (online = await system.storeOnline()) >= args.agents,
      () => `store lists ${online} online`,
      STORE_POLL_MS,
    );
    say(`  store lists all ${args.agents} online ${(inventoryMs / 1000).toFixed(1)} s later`);
  } finally {
    s.series.ramp = await s.rampSampler.stop();
  }
  s.results['ramp'] = {
    connectedMs,
    inventoryLagMs: inventoryMs,
    baselineRssMiB: s.baseline.map(rssMiB),
    ...(system.configServiceBacklog === undefined ? {} : { configServiceBacklogPeak: peakBacklog(s.series.ramp) }),
  };
}

interface Snapshot {
  readonly procs: Map<string, ProcSample | undefined>;
  /** Each gateway's (or the all-in-one's) /metrics text, in order. */
  readonly metrics: string[];
  readonly engine: EngineSnapshot | undefined;
}

async function snapshot(s: Stack): Promise<Snapshot> {
  const named: [string, number][] = [...s.system.processes.map((p): [string, number] => [p.id, p.app.pid]), ...s.fleet.pids.map((pid, i): [string, number] => [`loadgen-${i}`, pid])];
  const procs = new Map(await Promise.all(named.map(async ([name, pid]): Promise<[string, ProcSample | undefined]> => [name, await sampleProcess(pid)])));
  const metrics = await Promise.all(s.system.gateways.map((g) => scrape(g.app.url('admin'))));
  return { procs, metrics, engine: await s.system.engineSnapshot?.() };
}

/** Engine CPU, RSS and rates between two snapshots; nothing when the engines are embedded. */
function engineFigures(before: EngineSnapshot | undefined, after: EngineSnapshot | undefined, seconds: number): Record<string, unknown> {
  if (before === undefined || after === undefined) return {};
  const engines: Record<string, { cpuPercent: number; rssMiB: number }> = {};
  for (const [name, a] of after.engines) engines[name] = { cpuPercent: +groupCpuPercent(before.engines.get(name)!, a).toFixed(1), rssMiB: +(a.rssBytes / MiB).toFixed(0) };
  const rate = (a: number, b: number): number => +((a - b) / seconds).toFixed(1);
  return {
    engines,
    redisCommandsPerSecond: rate(after.redisOps, before.redisOps),
    pgCommitsPerSecond: rate(after.pgXacts, before.pgXacts),
    pgRowWritesPerSecond: rate(after.pgRowWrites, before.pgRowWrites),
  };
}

/** Messages per second by type in `direction`, summed over the gateways' counters. */
function messageRates(before: Snapshot, after: Snapshot, direction: 'in' | 'out', seconds: number): Record<string, number> {
  const sum = (texts: string[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const t of texts) for (const [k, v] of Object.entries(sumByLabel(t, 'shepherd_gateway_messages_total', 'type', { direction }))) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const a = sum(after.metrics);
  const b = sum(before.metrics);
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, +((v - (b[k] ?? 0)) / seconds).toFixed(1)]));
}

/** (b) RSS per agent of each gateway (or the all-in-one), CPU per process, message rates and engine load over the steady window. */
export async function steadyPhase(s: Stack): Promise<void> {
  const { args, baseline, system } = s;
  say(`\n(b) steady state for ${args.steadyS} s (heartbeat ${args.heartbeatMs} ms), load ${load()}`);
  const before = await snapshot(s);
  const t0 = Date.now();
  await waitUntil('the steady window', args.steadyS * 1000 + 5_000, () => Date.now() - t0 >= args.steadyS * 1000, () => `connected ${s.fleet.total().connected}`);
  const after = await snapshot(s);
  const seconds = (Date.now() - t0) / 1000;
  const cpu: Record<string, number> = {};
  for (const [name, a] of after.procs) {
    const b = before.procs.get(name);
    if (a && b) cpu[name] = +cpuPercent(b, a).toFixed(1);
  }
  // Memory per agent as sampled, and once more after a collection: the idle floor, without the
  // garbage a busy machine's V8 had not collected yet (both baselines were taken after one).
  await system.settleMemory?.();
  const collected = await Promise.all(system.gateways.map((g) => sampleProcess(g.app.pid)));
  const perAgent = system.gateways.map((g, i) => {
    const a = after.procs.get(g.id);
    const b = baseline[i];
    const held = Number(sumByLabel(after.metrics[i] ?? '', 'shepherd_gateway_connections', 'transport')['websocket'] ?? 0);
    const kib = (sample: ProcSample | undefined): number | null => (sample && b && held > 0 ? +((sample.rssBytes - b.rssBytes) / 1024 / held).toFixed(2) : null);
    return { gateway: g.id, held, rssMiB: rssMiB(a), kibPerAgent: kib(a), kibPerAgentAfterGc: kib(collected[i]) };
  });
  const result = {
    seconds: +seconds.toFixed(1),
    loadAverage: load(),
    gateways: perAgent,
    cpuPercent: cpu,
    messagesPerSecond: { in: messageRates(before, after, 'in', seconds), out: messageRates(before, after, 'out', seconds) },
    ...engineFigures(before.engine, after.engine, seconds),
  };
  s.results['steady'] = result;
  say(JSON.stringify(result, null, 2));
}
