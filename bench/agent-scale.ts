/**
 * Issue 6, scenarios a-d: N simulated WebSocket agents (apps/loadgen, several processes) on
 * G gateway processes, one config-service and one admin-api process, all on the real engines
 * (PostgreSQL schema, NATS subject prefix and Redis key prefix unique to the run).
 *
 *   npm run bench:agent-scale -- --agents 20000 [--steady-s 300] [--fanout] [--kill-gateway [--victim-agents N]] [--out FILE] [--cpu-prof DIR]
 *
 * (a) ramp: time until every agent is connected and until the store lists every one online;
 * (b) steady state: gateway RSS per agent, CPU per process, messages/s by type, engine load;
 * (c) --fanout: one config change to every agent, APPLIED latency at the agents and in the store;
 * (d) --kill-gateway: kill -9 one gateway, time until its agents are back and the store converged;
 *     --victim-agents N puts N agents on that gateway at first connection (the others share the
 *     rest), and reconnecting agents pick a random other gateway, as behind a load balancer.
 * --out writes the figures and time series sampled about once a second (for bench:plot);
 * --cpu-prof profiles the gateways and the config service (for bench:cpu-profile).
 * Every process, schema, stream and key is removed at the end, also after a failure, a timeout
 * or Ctrl-C. Method and results: docs/benchmarks.md.
 */
import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import type { AppProcess } from '@shepherd/testing';
import { CleanupStack } from './support/cleanup-stack.js';
import { startLoadgenFleet, type LoadgenFleet } from './support/loadgen-fleet.js';
import { cpuPercent, groupCpuPercent, loadAverage as load, pidsByName, sampleProcess, sampleProcesses, type GroupSample, type ProcSample } from './support/proc-stats.js';
import { scrape, sumByLabel } from './support/prom-text.js';
import { firstConnectionSplit, parseScaleArgs, SCALE_USAGE, type ScaleArgs } from './support/scale-args.js';
import { openScaleDeployment, type ScaleDeployment } from './support/scale-deployment.js';
import { machineInfo, peakBacklog, writeScaleOutput, type AgentScaleOutput, type KillPoint, type RampPoint } from './support/scale-output.js';
import { startSampler, type Sampler } from './support/series-sampler.js';
import { downsampleSorted, percentilesOfSorted } from './support/sorted-sample.js';
import { waitUntil } from './support/wait-until.js';

const say = (line = ''): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const MiB = 1024 * 1024;
/**
 * Store checks poll at this interval, not every 100 ms: a count over 50 000 rows ten times a
 * second took a visible share of PostgreSQL's CPU from the system under test.
 */
const STORE_POLL_MS = 500;

interface Stack {
  readonly deployment: ScaleDeployment;
  readonly gateways: AppProcess[];
  readonly gatewayIds: string[];
  readonly configService: AppProcess;
  readonly adminApi: AppProcess;
  readonly fleet: LoadgenFleet;
  readonly args: ScaleArgs;
  readonly results: Record<string, unknown>;
  /** Gateway samples taken before any agent connected. */
  readonly baseline: (ProcSample | undefined)[];
  /** Sampling since the load generators were started (epoch ms `rampT0`); stopped by rampPhase. */
  readonly rampSampler: Sampler<RampPoint>;
  readonly rampT0: number;
  readonly series: { ramp: readonly RampPoint[]; fanout?: AgentScaleOutput['series']['fanout']; kill?: readonly KillPoint[] };
}

async function countRow(store: ScaleDeployment['store'], sql: string, params: unknown[] = []): Promise<number> {
  const result = await store.query<{ n: string }>(sql, params);
  return Number(result.rows[0]?.n ?? 0);
}

async function startStack(args: ScaleArgs, cleanup: CleanupStack): Promise<Stack> {
  const deployment = await openScaleDeployment(cleanup, { cpuProfDir: args.cpuProfDir, env: args.env });
  // The consumer first, so the agents' first events find it.
  const configService = await deployment.startConfigService();
  const gatewayIds = Array.from({ length: args.gateways }, (_, i) => `${deployment.name.replace(/_/g, '-')}-gw${i}`);
  const [adminApi, ...gateways] = await Promise.all([deployment.startAdminApi(), ...gatewayIds.map((id) => deployment.startGateway(id))]);
  say(`started config-service, admin-api and ${gateways.length} gateway(s) (schema/prefix ${deployment.name})`);
  // Let the servers settle, then take the per-agent memory baseline before any agent exists.
  await sleep(2_000);
  const baseline = await Promise.all(gateways.map((g) => sampleProcess(g.pid)));
  const rampT0 = Date.now();
  const fleet = startLoadgenFleet(
    {
      urls: gateways.map((g) => g.url('opampWs')),
      agents: args.agents,
      processes: args.clients,
      rampPerSecond: args.ramp,
      heartbeatMs: args.heartbeatMs,
      durationS: Math.min(3_600, args.timeoutS),
      token: deployment.token,
      labels: [`bench=${deployment.name}`],
      sourceAddresses: args.sourceAddresses,
      ...(args.victimAgents === undefined ? {} : { urlWeights: firstConnectionSplit(args.agents, args.gateways, args.victimAgents) }),
    },
    cleanup,
  );
  // /proc reads and one consumer listing: cheap enough every second even with many gateways.
  const rampSampler = startSampler(
    async (t): Promise<RampPoint> => ({
      t,
      connected: fleet.total().connected,
      gatewayRssMiB: (await Promise.all(gateways.map((g) => sampleProcess(g.pid)))).map((p) => (p ? +(p.rssBytes / MiB).toFixed(1) : null)),
      backlog: await deployment.configServiceBacklog(),
    }),
    1_000,
    rampT0,
  );
  return { deployment, gateways, gatewayIds, configService, adminApi: adminApi!, fleet, args, results: {}, baseline, rampSampler, rampT0, series: { ramp: [] } };
}

async function rampPhase(s: Stack): Promise<void> {
  const { args, fleet, deployment } = s;
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
      async () => (online = await countRow(deployment.store, 'SELECT count(*) AS n FROM agents WHERE connected')) >= args.agents,
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
    baselineRssMiB: s.baseline.map((b) => (b ? +(b.rssBytes / MiB).toFixed(1) : null)),
    configServiceBacklogPeak: peakBacklog(s.series.ramp),
  };
}

async function snapshot(s: Stack): Promise<{ procs: Map<string, ProcSample | undefined>; engines: Map<string, GroupSample>; metrics: string[]; redisOps: number; pgXacts: number; pgRowWrites: number }> {
  const named: [string, number][] = [
    ...s.gateways.map((g, i): [string, number] => [s.gatewayIds[i]!, g.pid]),
    ['config-service', s.configService.pid],
    ['admin-api', s.adminApi.pid],
    ...s.fleet.pids.map((pid, i): [string, number] => [`loadgen-${i}`, pid]),
  ];
  const procs = new Map(await Promise.all(named.map(async ([name, pid]): Promise<[string, ProcSample | undefined]> => [name, await sampleProcess(pid)])));
  const engines = new Map<string, GroupSample>();
  for (const [engine, comms] of [['nats', ['nats-server']], ['redis', ['redis-server']], ['postgresql', ['postgres']]] as const) {
    engines.set(engine, await sampleProcesses(await pidsByName(comms)));
  }
  const metrics = await Promise.all(s.gateways.map((g) => scrape(g.url('admin'))));
  const info = await s.deployment.redis.info('stats');
  const redisOps = Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
  const pgXacts = await countRow(s.deployment.store, 'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()');
  // Rows written in the scenario's schema: what heartbeats must not cause.
  const pgRowWrites = await countRow(s.deployment.store, 'SELECT COALESCE(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) AS n FROM pg_stat_user_tables WHERE schemaname = $1', [s.deployment.name]);
  return { procs, engines, metrics, redisOps, pgXacts, pgRowWrites };
}

async function steadyPhase(s: Stack): Promise<void> {
  const { args, baseline } = s;
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
  const engines: Record<string, { cpuPercent: number; rssMiB: number }> = {};
  for (const [name, a] of after.engines) engines[name] = { cpuPercent: +groupCpuPercent(before.engines.get(name)!, a).toFixed(1), rssMiB: +(a.rssBytes / MiB).toFixed(0) };
  const perAgent = s.gateways.map((_, i) => {
    const a = after.procs.get(s.gatewayIds[i]!);
    const b = baseline[i];
    const held = Number(sumByLabel(after.metrics[i] ?? '', 'shepherd_gateway_connections', 'transport')['websocket'] ?? 0);
    return { gateway: s.gatewayIds[i], held, rssMiB: a ? +(a.rssBytes / MiB).toFixed(1) : null, kibPerAgent: a && b && held > 0 ? +((a.rssBytes - b.rssBytes) / 1024 / held).toFixed(2) : null };
  });
  const rate = (key: 'in' | 'out'): Record<string, number> => {
    const sum = (texts: string[]): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const t of texts) for (const [k, v] of Object.entries(sumByLabel(t, 'shepherd_gateway_messages_total', 'type', { direction: key }))) out[k] = (out[k] ?? 0) + v;
      return out;
    };
    const a = sum(after.metrics);
    const b = sum(before.metrics);
    return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, +((v - (b[k] ?? 0)) / seconds).toFixed(1)]));
  };
  const result = {
    seconds: +seconds.toFixed(1),
    loadAverage: load(),
    gateways: perAgent,
    cpuPercent: cpu,
    messagesPerSecond: { in: rate('in'), out: rate('out') },
    engines,
    redisCommandsPerSecond: +((after.redisOps - before.redisOps) / seconds).toFixed(1),
    pgCommitsPerSecond: +((after.pgXacts - before.pgXacts) / seconds).toFixed(1),
    pgRowWritesPerSecond: +((after.pgRowWrites - before.pgRowWrites) / seconds).toFixed(1),
  };
  s.results['steady'] = result;
  say(JSON.stringify(result, null, 2));
}

const APPLIED_IN_STORE = "SELECT count(*) AS n FROM agent_config_state WHERE reported_hash = $1 AND status = 'APPLIED'";

async function fanoutPhase(s: Stack): Promise<string> {
  const { args, deployment, fleet } = s;
  say(`\n(c) one config change to all ${args.agents} agents, load ${load()}`);
  const t0 = Date.now();
  const res = await fetch(`${s.adminApi.url('api')}/api/v1/configs`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${deployment.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      target: `bench=${deployment.name}`,
      config: {
        receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
        exporters: { debug: {} },
        service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
      },
    }),
  });
  if (!res.ok) throw new Error(`POST /api/v1/configs answered ${res.status}: ${await res.text()}`);
  const { configHash, matchedAgents } = (await res.json()) as { configHash: string; matchedAgents: number };
  const postMs = Date.now() - t0;
  say(`  POST answered in ${postMs} ms: ${matchedAgents} agents matched, hash ${configHash.slice(0, 12)}…`);
  const sampler = startSampler(
    async (t) => ({ t, applied: await countRow(deployment.store, APPLIED_IN_STORE, [configHash]), backlog: await deployment.configServiceBacklog() }),
    1_000,
    t0,
  );
  let agentsMs: number;
  let storeMs: number;
  let latencies: number[] = [];
  try {
    agentsMs = await waitUntil('APPLIED at every agent', 300_000, () => fleet.appliedTimes(configHash).length >= args.agents, () => `${fleet.appliedTimes(configHash).length} applied`);
    let stored = 0;
    storeMs = await waitUntil(
      'APPLIED in the store for every agent',
      300_000,
      async () => (stored = await countRow(deployment.store, APPLIED_IN_STORE, [configHash])) >= args.agents,
      () => `store shows ${stored} APPLIED`,
      STORE_POLL_MS,
    );
  } finally {
    latencies = fleet.appliedTimes(configHash).map((t) => t - t0).sort((a, b) => a - b);
    s.series.fanout = { latenciesMs: downsampleSorted(latencies, 1_000), storeApplied: await sampler.stop() };
  }
  // The config service's own account: how long its fan-out (read, offer, record) took.
  const reconciled = s.configService.logs.find((r) => r.msg === 'config change reconciled' && r['configHash'] === configHash);
  const serviceFanout = reconciled === undefined ? null : { durationMs: reconciled['durationMs'], readMs: reconciled['readMs'], blockedMs: reconciled['blockedMs'], batches: reconciled['batches'] };
  const result = {
    postMs,
    matchedAgents,
    serviceFanout,
    agentsAppliedMs: agentsMs,
    storeAppliedMs: agentsMs + storeMs,
    agentLatencyMs: percentilesOfSorted(latencies),
    configServiceBacklogPeak: peakBacklog(s.series.fanout?.storeApplied ?? []),
    loadAverage: load(),
  };
  s.results['fanout'] = result;
  say(JSON.stringify(result, null, 2));
  return configHash;
}

/** WebSocket agents a gateway holds now, by its own gauge. */
async function heldBy(gateway: AppProcess): Promise<number> {
  return Number(sumByLabel(await scrape(gateway.url('admin')), 'shepherd_gateway_connections', 'transport')['websocket'] ?? 0);
}

async function killPhase(s: Stack, configHash: string | undefined): Promise<void> {
  const { args, deployment, fleet } = s;
  const victim = s.gateways[0]!;
  // What the victim really holds (its gauge), not the plan: the load generators' split is within one agent per process.
  const held = await heldBy(victim);
  const planned = args.victimAgents === undefined ? '' : ` (planned ${args.victimAgents})`;
  say(`\n(d) kill -9 ${s.gatewayIds[0]} holding ${held} agents${planned}, load ${load()}`);
  if (s.gateways.length < 2) throw new Error('--kill-gateway needs at least two gateways');
  const survivors = s.gatewayIds.slice(1);
  const onlineOnSurvivors = (): Promise<number> => countRow(deployment.store, 'SELECT count(*) AS n FROM agents WHERE connected AND gateway_id = ANY($1)', [survivors]);
  const t0 = Date.now();
  const sampler = startSampler(
    async (t): Promise<KillPoint> => ({ t, connected: fleet.total().connected, storeOnlineOnSurvivors: await onlineOnSurvivors(), backlog: await deployment.configServiceBacklog() }),
    1_000,
    t0,
  );
  let reconnectedMs: number;
  try {
    let survivorsOnline = 0;
    victim.kill('SIGKILL');
    await victim.exited;
    await waitUntil('the loadgen to notice', 60_000, () => fleet.total().connected < args.agents);
    await waitUntil('every agent reconnected', 300_000, () => fleet.total().connected >= args.agents, () => `connected ${fleet.total().connected}`);
    reconnectedMs = Date.now() - t0;
    await waitUntil(
      'the store showing every agent online on a surviving gateway' + (configHash ? ' with its APPLIED status' : ''),
      300_000,
      async () => {
        survivorsOnline = await onlineOnSurvivors();
        if (survivorsOnline < args.agents) return false;
        if (configHash === undefined) return true;
        return (await countRow(deployment.store, APPLIED_IN_STORE, [configHash])) >= args.agents;
      },
      () => `store shows ${survivorsOnline} online on survivors`,
      STORE_POLL_MS,
    );
  } finally {
    s.series.kill = await sampler.stop();
  }
  const convergedMs = Date.now() - t0;
  // How the victim's agents spread: reconnections pick a random other gateway, as behind a load balancer.
  const survivorsHeld = await Promise.all(s.gateways.slice(1).map((g) => heldBy(g)));
  const result = {
    held,
    plannedVictimAgents: args.victimAgents ?? null,
    reconnectedMs,
    convergedMs,
    survivorsHeld,
    configServiceBacklogPeak: peakBacklog(s.series.kill ?? []),
    loadAverage: load(),
  };
  s.results['killGateway'] = result;
  say(JSON.stringify(result, null, 2));
}

/** Load generators first (a gateway drains its agents before it exits), then the profiled processes, gracefully. */
async function writeProfiles(s: Stack): Promise<void> {
  const dir = s.args.cpuProfDir!;
  say(`\nstopping the profiled processes gracefully so node writes their CPU profiles, load ${load()}`);
  const files = await s.deployment.stopProfiled();
  // tsx's loader thread writes a small profile of its own; the largest file in a directory is the main thread.
  const sized = await Promise.all(files.map(async (f) => ({ f, kib: Math.round((await stat(f)).size / 1024) })));
  say(`CPU profiles in ${dir} (per process; kill -9'd gateways write none):`);
  sized.forEach(({ f, kib }) => say(`  ${relative(dir, f)}  ${kib} KiB`));
  say('summarize one with: npm run bench:cpu-profile -- FILE.cpuprofile [--top 25]');
}

async function writeOut(s: Stack, error: unknown): Promise<void> {
  const output: AgentScaleOutput = {
    kind: 'agent-scale',
    at: new Date().toISOString(),
    machine: machineInfo(),
    args: { ...s.args },
    results: { load: load(), ...s.results },
    ...(error === undefined ? {} : { error: error instanceof Error ? error.message : String(error) }),
    series: s.series,
  };
  await writeScaleOutput(s.args.out!, output);
  say(`wrote results and series to ${s.args.out}`);
}

/** The planned first-connection split (and, with --kill-gateway, what the survivors should end up holding). */
function planLine(args: ScaleArgs): string {
  const split = firstConnectionSplit(args.agents, args.gateways, args.victimAgents);
  const within = args.clients > 1 ? ` (each of the ${args.clients} load generators splits its agents in this ratio, within one agent per gateway)` : '';
  let line = `planned first connections: ${split.map((n, i) => `gw${i}${args.killGateway && i === 0 ? ' (victim)' : ''} ${n}`).join(', ')}${within}`;
  if (args.killGateway && args.gateways > 1) {
    const after = split.slice(1).map((n) => Math.round(n + split[0]! / (args.gateways - 1)));
    line += `\nafter the kill, reconnections spread at random over the survivors: about ${after.join(', ')}`;
  }
  return line;
}

async function benchmark(args: ScaleArgs, cleanup: CleanupStack): Promise<void> {
  say(`agent-scale benchmark: ${args.agents} WebSocket agents, ${args.gateways} gateway(s), ${args.clients} load generator(s), real engines`);
  const m = machineInfo();
  say(`machine: ${m.cores} cores (${m.model}), ${m.memGiB} GiB, node ${m.node}, load ${load()}`);
  say(planLine(args));
  const s = await startStack(args, cleanup);
  let error: unknown;
  try {
    await rampPhase(s);
    if (args.steadyS > 0) await steadyPhase(s);
    const hash = args.fanout ? await fanoutPhase(s) : undefined;
    if (args.killGateway) await killPhase(s, hash);
    say(`\nloadgen totals: ${JSON.stringify(s.fleet.total())}`);
    say(`RESULT ${JSON.stringify({ args, load: load(), ...s.results })}`);
  } catch (err) {
    error = err;
  }
  await s.rampSampler.stop();
  await s.fleet.stop();
  if (args.cpuProfDir !== undefined) await writeProfiles(s);
  if (args.out !== undefined) await writeOut(s, error);
  if (error !== undefined) throw error;
}

async function main(): Promise<void> {
  let args: ScaleArgs | 'help';
  try {
    // npm runs scripts from the repository root; paths on the command line are the caller's.
    args = parseScaleArgs(process.argv.slice(2), process.env['INIT_CWD'] ?? process.cwd());
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${SCALE_USAGE}\n`);
    process.exit(2);
  }
  if (args === 'help') return say(SCALE_USAGE);
  const cleanup = new CleanupStack();
  let failed = false;
  const stopOnSignal = (signal: string) => async () => {
    say(`\n${signal}: cleaning up`);
    (await cleanup.run()).forEach((f) => process.stderr.write(`cleanup: ${f}\n`));
    process.exit(130);
  };
  process.once('SIGINT', () => void stopOnSignal('SIGINT')());
  process.once('SIGTERM', () => void stopOnSignal('SIGTERM')());
  const deadline = setTimeout(() => void stopOnSignal(`timeout after ${args.timeoutS} s`)(), args.timeoutS * 1000);
  try {
    await benchmark(args, cleanup);
  } catch (err) {
    failed = true;
    process.stderr.write(`agent-scale failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  } finally {
    clearTimeout(deadline);
    const failures = await cleanup.run();
    failures.forEach((f) => process.stderr.write(`cleanup: ${f}\n`));
    say(failures.length === 0 ? 'cleaned up: processes stopped, schema dropped, streams and keys deleted' : 'cleanup incomplete (see stderr)');
  }
  process.exit(failed ? 1 : 0);
}

await main();
