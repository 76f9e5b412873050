/**
 * Issue 6, scenarios a-d: N simulated WebSocket agents (apps/loadgen, several processes) on
 * G gateway processes, one config-service and one admin-api process, all on the real engines
 * (PostgreSQL schema, NATS subject prefix and Redis key prefix unique to the run).
 *
 *   npm run bench:agent-scale -- --agents 20000 [--steady-s 300] [--fanout] [--kill-gateway]
 *
 * (a) ramp: time until every agent is connected and until the store lists every one online;
 * (b) steady state: gateway RSS per agent, CPU per process, messages/s by type, engine load;
 * (c) --fanout: one config change to every agent, APPLIED latency at the agents and in the store;
 * (d) --kill-gateway: kill -9 one gateway, time until its agents are back and the store converged.
 * Every process, schema, stream and key is removed at the end, also after a failure, a timeout
 * or Ctrl-C. Method and results: docs/benchmarks.md.
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import type { AppProcess } from '@shepherd/testing';
import { CleanupStack } from './support/cleanup-stack.js';
import { startLoadgenFleet, type LoadgenFleet } from './support/loadgen-fleet.js';
import { cpuPercent, pidsByName, sampleProcess, sampleProcesses, type ProcSample } from './support/proc-stats.js';
import { scrape, sumByLabel } from './support/prom-text.js';
import { parseScaleArgs, SCALE_USAGE, type ScaleArgs } from './support/scale-args.js';
import { openScaleDeployment, type ScaleDeployment } from './support/scale-deployment.js';

const say = (line = ''): void => void process.stdout.write(`${line}\n`);
const load = (): string => loadavg().map((v) => v.toFixed(2)).join(' ');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const MiB = 1024 * 1024;

interface Stack {
  readonly deployment: ScaleDeployment;
  readonly gateways: AppProcess[];
  readonly gatewayIds: string[];
  readonly configService: AppProcess;
  readonly adminApi: AppProcess;
  readonly fleet: LoadgenFleet;
  readonly args: ScaleArgs;
  readonly results: Record<string, unknown>;
}

async function waitUntil(what: string, timeoutMs: number, test: () => Promise<boolean> | boolean, report?: () => string): Promise<number> {
  const started = Date.now();
  let lastReport = started;
  while (!(await test())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${report ? ` (${report()})` : ''}`);
    if (report !== undefined && Date.now() - lastReport >= 5_000) {
      lastReport = Date.now();
      say(`  … ${((Date.now() - started) / 1000).toFixed(0)} s: ${report()}, load ${load()}`);
    }
    await sleep(100);
  }
  return Date.now() - started;
}

async function countRow(store: ScaleDeployment['store'], sql: string, params: unknown[] = []): Promise<number> {
  const result = await store.query<{ n: string }>(sql, params);
  return Number(result.rows[0]?.n ?? 0);
}

async function startStack(args: ScaleArgs, cleanup: CleanupStack): Promise<Stack> {
  const deployment = await openScaleDeployment(cleanup);
  // The consumer first, so the agents' first events find it.
  const configService = await deployment.startConfigService();
  const gatewayIds = Array.from({ length: args.gateways }, (_, i) => `${deployment.name.replace(/_/g, '-')}-gw${i}`);
  const [adminApi, ...gateways] = await Promise.all([deployment.startAdminApi(), ...gatewayIds.map((id) => deployment.startGateway(id))]);
  say(`started config-service, admin-api and ${gateways.length} gateway(s) (schema/prefix ${deployment.name})`);
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
    },
    cleanup,
  );
  return { deployment, gateways, gatewayIds, configService, adminApi: adminApi!, fleet, args, results: {} };
}

async function rampPhase(s: Stack, baseline: (ProcSample | undefined)[]): Promise<void> {
  const { args, fleet, deployment } = s;
  say(`\n(a) ramp to ${args.agents} agents at ${args.ramp}/s over ${args.clients} load-generator process(es)`);
  const timeoutMs = Math.ceil((args.agents / args.ramp) * 3_000) + 120_000;
  const report = (): string => {
    const t = fleet.total();
    return `connected ${t.connected}/${args.agents}, connecting ${t.connecting}, connect errors ${t.connectErrors}, disconnects ${t.disconnects}`;
  };
  const connectedMs = await waitUntil('every agent connected', timeoutMs, () => fleet.total().connected >= args.agents, report);
  say(`  all ${args.agents} agents connected after ${(connectedMs / 1000).toFixed(1)} s (${report()})`);
  const inventoryMs = await waitUntil('the store listing every agent online', timeoutMs, async () => (await countRow(deployment.store, 'SELECT count(*) AS n FROM agents WHERE connected')) >= args.agents, () => 'store catching up');
  say(`  store lists all ${args.agents} online ${(inventoryMs / 1000).toFixed(1)} s later`);
  s.results['ramp'] = { connectedMs, inventoryLagMs: inventoryMs, baselineRssMiB: baseline.map((b) => (b ? +(b.rssBytes / MiB).toFixed(1) : null)) };
}

async function snapshot(s: Stack): Promise<{ procs: Map<string, ProcSample | undefined>; engines: Map<string, { cpuSeconds: number; rssBytes: number; at: number }>; metrics: string[]; redisOps: number; pgXacts: number; pgRowWrites: number }> {
  const named: [string, number][] = [
    ...s.gateways.map((g, i): [string, number] => [s.gatewayIds[i]!, g.pid]),
    ['config-service', s.configService.pid],
    ['admin-api', s.adminApi.pid],
    ...s.fleet.pids.map((pid, i): [string, number] => [`loadgen-${i}`, pid]),
  ];
  const procs = new Map(await Promise.all(named.map(async ([name, pid]): Promise<[string, ProcSample | undefined]> => [name, await sampleProcess(pid)])));
  const engines = new Map<string, { cpuSeconds: number; rssBytes: number; at: number }>();
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

async function steadyPhase(s: Stack, baseline: (ProcSample | undefined)[]): Promise<void> {
  const { args } = s;
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
  for (const [name, a] of after.engines) engines[name] = { cpuPercent: +cpuPercent(before.engines.get(name)!, a).toFixed(1), rssMiB: +(a.rssBytes / MiB).toFixed(0) };
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

function percentiles(values: readonly number[]): { p50: number; p95: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
  return { p50: at(50), p95: at(95), p99: at(99), max: sorted.at(-1) ?? 0 };
}

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
  const agentsMs = await waitUntil('APPLIED at every agent', 300_000, () => fleet.appliedTimes(configHash).length >= args.agents, () => `${fleet.appliedTimes(configHash).length} applied`);
  const storeMs = await waitUntil(
    'APPLIED in the store for every agent',
    300_000,
    async () => (await countRow(deployment.store, "SELECT count(*) AS n FROM agent_config_state WHERE reported_hash = $1 AND status = 'APPLIED'", [configHash])) >= args.agents,
    () => 'store catching up',
  );
  const latency = percentiles(fleet.appliedTimes(configHash).map((t) => t - t0));
  const result = { postMs, matchedAgents, agentsAppliedMs: agentsMs, storeAppliedMs: agentsMs + storeMs, agentLatencyMs: latency, loadAverage: load() };
  s.results['fanout'] = result;
  say(JSON.stringify(result, null, 2));
  return configHash;
}

async function killPhase(s: Stack, configHash: string | undefined): Promise<void> {
  const { args, deployment, fleet } = s;
  const victim = s.gateways[0]!;
  const held = Number(sumByLabel(await scrape(victim.url('admin')), 'shepherd_gateway_connections', 'transport')['websocket'] ?? 0);
  say(`\n(d) kill -9 ${s.gatewayIds[0]} holding ${held} agents, load ${load()}`);
  if (s.gateways.length < 2) throw new Error('--kill-gateway needs at least two gateways');
  const t0 = Date.now();
  victim.kill('SIGKILL');
  await victim.exited;
  await waitUntil('the loadgen to notice', 60_000, () => fleet.total().connected < args.agents);
  await waitUntil('every agent reconnected', 300_000, () => fleet.total().connected >= args.agents, () => `connected ${fleet.total().connected}`);
  const reconnectedMs = Date.now() - t0;
  const survivors = s.gatewayIds.slice(1);
  await waitUntil(
    'the store showing every agent online on a surviving gateway' + (configHash ? ' with its APPLIED status' : ''),
    300_000,
    async () => {
      const online = await countRow(deployment.store, 'SELECT count(*) AS n FROM agents WHERE connected AND gateway_id = ANY($1)', [survivors]);
      if (online < args.agents) return false;
      if (configHash === undefined) return true;
      return (await countRow(deployment.store, "SELECT count(*) AS n FROM agent_config_state WHERE reported_hash = $1 AND status = 'APPLIED'", [configHash])) >= args.agents;
    },
    () => 'store converging',
  );
  const result = { held, reconnectedMs, convergedMs: Date.now() - t0, loadAverage: load() };
  s.results['killGateway'] = result;
  say(JSON.stringify(result, null, 2));
}

async function benchmark(args: ScaleArgs, cleanup: CleanupStack): Promise<void> {
  say(`agent-scale benchmark: ${args.agents} WebSocket agents, ${args.gateways} gateway(s), ${args.clients} load generator(s), real engines`);
  say(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, load ${load()}`);
  const s = await startStack(args, cleanup);
  await sleep(2_000);
  const baseline = await Promise.all(s.gateways.map((g) => sampleProcess(g.pid)));
  await rampPhase(s, baseline);
  if (args.steadyS > 0) await steadyPhase(s, baseline);
  const hash = args.fanout ? await fanoutPhase(s) : undefined;
  if (args.killGateway) await killPhase(s, hash);
  const totals = s.fleet.total();
  say(`\nloadgen totals: ${JSON.stringify(totals)}`);
  say(`RESULT ${JSON.stringify({ args, load: load(), ...s.results })}`);
  await s.fleet.stop();
}

async function main(): Promise<void> {
  let args: ScaleArgs | 'help';
  try {
    args = parseScaleArgs(process.argv.slice(2));
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
