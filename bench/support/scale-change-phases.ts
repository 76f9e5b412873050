/** Scenarios (c) config fan-out and (d) gateway kill of agent-scale. */
import type { AppProcess } from '@shepherd/testing';
import { loadAverage as load } from './proc-stats.js';
import { scrape, sumByLabel } from './prom-text.js';
import { peakBacklog, type KillPoint } from './scale-output.js';
import { STORE_POLL_MS } from './scale-phases.js';

/**
 * How long a fan-out or failover phase waits for each of its stages: 5 minutes up to 50 000
 * agents, proportionally more beyond (a 100 000-agent store took longer than 5 minutes to show
 * every APPLIED on this machine, and the phase's figures are still worth having).
 */
export function stageTimeoutMs(agents: number): number {
  return Math.max(300_000, Math.ceil(agents * 6));
}
import { say, type Stack } from './scale-stack.js';
import { startSampler } from './series-sampler.js';
import { downsampleSorted, percentilesOfSorted } from './sorted-sample.js';
import { waitUntil } from './wait-until.js';

/** The config every agent of the run is sent in scenario (c). */
const FANOUT_CONFIG = {
  receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
  exporters: { debug: {} },
  service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
};

async function postConfig(s: Stack): Promise<{ configHash: string; matchedAgents: number }> {
  const res = await fetch(`${s.system.apiUrl}/api/v1/configs`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${s.system.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ target: `bench=${s.system.name}`, config: FANOUT_CONFIG }),
  });
  if (!res.ok) throw new Error(`POST /api/v1/configs answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { configHash: string; matchedAgents: number };
}

/** The config service's own account of the fan-out of `configHash` (read, offer, record), from its log. */
function serviceFanout(configService: AppProcess, configHash: string): Record<string, unknown> | null {
  const r = configService.logs.find((l) => l.msg === 'config change reconciled' && l['configHash'] === configHash);
  if (r === undefined) return null;
  const { durationMs, readMs, offerMs, blockedMs, batches, agents, offered, uncontested } = r;
  // Its progress lines (every 5 s of a long fan-out): how far it got when.
  const progress = configService.logs
    .filter((l) => l.msg === 'config change fanning out' && l['configHash'] === configHash)
    .map((l) => ({ elapsedMs: l['elapsedMs'], agents: l['agents'], offered: l['offered'], readMs: l['readMs'], offerMs: l['offerMs'] }));
  return { durationMs, readMs, offerMs, blockedMs, batches, agents, offered, uncontested, progress };
}

/** Messages the gateways dropped so far, by reason (`shepherd_gateway_drops_total`), summed over the gateways still answering. */
async function gatewayDrops(s: Stack): Promise<Record<string, number>> {
  const texts = await Promise.all(s.system.gateways.map((g) => scrape(g.app.url('admin'))));
  const total: Record<string, number> = {};
  for (const text of texts) for (const [reason, n] of Object.entries(sumByLabel(text, 'shepherd_gateway_drops_total', 'reason'))) total[reason] = (total[reason] ?? 0) + n;
  return total;
}

/** `after` less `before`, keeping the reasons that grew. */
function grown(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).flatMap(([k, v]) => (v > (before[k] ?? 0) ? [[k, v - (before[k] ?? 0)]] : [])));
}

/** (c) One config change to every agent through the REST API: APPLIED at the agents, then in the store. Resolves with its hash. */
export async function fanoutPhase(s: Stack): Promise<string> {
  const { args, system, fleet } = s;
  say(`\n(c) one config change to all ${args.agents} agents, load ${load()}`);
  const dropsBefore = await gatewayDrops(s);
  const t0 = Date.now();
  const { configHash, matchedAgents } = await postConfig(s);
  const postMs = Date.now() - t0;
  say(`  POST answered in ${postMs} ms: ${matchedAgents} agents matched, hash ${configHash.slice(0, 12)}…`);
  const backlog = system.configServiceBacklog;
  const sampler = startSampler(
    async () => {
      const applied = await system.storeApplied(configHash);
      // Stamped when read: an embedded run's count may have waited for its turn (see pacedProbe).
      return { t: +((Date.now() - t0) / 1000).toFixed(1), applied, ...(backlog === undefined ? {} : { backlog: await backlog() }) };
    },
    1_000,
    t0,
  );
  let agentsMs: number;
  let storeMs: number;
  let latencies: number[] = [];
  let drops: Record<string, number> = {};
  try {
    agentsMs = await waitUntil('APPLIED at every agent', stageTimeoutMs(args.agents), () => fleet.appliedTimes(configHash).length >= args.agents, () => `${fleet.appliedTimes(configHash).length} applied`);
    let stored = 0;
    storeMs = await waitUntil(
      'APPLIED in the store for every agent',
      stageTimeoutMs(args.agents),
      async () => (stored = await system.storeApplied(configHash)) >= args.agents,
      () => `store shows ${stored} APPLIED`,
      STORE_POLL_MS,
    );
  } finally {
    latencies = fleet.appliedTimes(configHash).map((t) => t - t0).sort((a, b) => a - b);
    s.series.fanout = { latenciesMs: downsampleSorted(latencies, 1_000), storeApplied: await sampler.stop() };
    drops = grown(dropsBefore, await gatewayDrops(s));
    const unconfirmed = system.configService.logs.filter((l) => (l.msg ?? '').startsWith('a gateway did not confirm a multicast')).length;
    say(`  gateways dropped during the fan-out: ${JSON.stringify(drops)}; multicasts not confirmed in time: ${unconfirmed}`);
  }
  const result = {
    postMs,
    matchedAgents,
    serviceFanout: serviceFanout(system.configService, configHash),
    agentsAppliedMs: agentsMs,
    storeAppliedMs: agentsMs + storeMs,
    agentLatencyMs: percentilesOfSorted(latencies),
    // A delivery a gateway dropped (e.g. more waiting than it buffers) reaches its agent only with a later offer.
    gatewayDrops: drops,
    ...(backlog === undefined ? {} : { configServiceBacklogPeak: peakBacklog(s.series.fanout?.storeApplied ?? []) }),
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

/** (d) kill -9 the first gateway: time until its agents are back on the others and the store converged (with `configHash`: APPLIED too). */
export async function killPhase(s: Stack, configHash: string | undefined): Promise<void> {
  const { args, system, fleet } = s;
  const onlineOn = system.storeOnlineOn;
  if (system.gateways.length < 2 || onlineOn === undefined) throw new Error('--kill-gateway needs at least two separate gateway processes');
  const [victim, ...others] = system.gateways;
  // What the victim really holds (its gauge), not the plan: the load generators' split is within one agent per process.
  const held = await heldBy(victim!.app);
  const planned = args.victimAgents === undefined ? '' : ` (planned ${args.victimAgents})`;
  say(`\n(d) kill -9 ${victim!.id} holding ${held} agents${planned}, load ${load()}`);
  const survivors = others.map((g) => g.id);
  const backlog = system.configServiceBacklog;
  const t0 = Date.now();
  const sampler = startSampler(
    async (t): Promise<KillPoint> => ({ t, connected: fleet.total().connected, storeOnlineOnSurvivors: await onlineOn(survivors), ...(backlog === undefined ? {} : { backlog: await backlog() }) }),
    1_000,
    t0,
  );
  let reconnectedMs: number;
  try {
    let survivorsOnline = 0;
    victim!.app.kill('SIGKILL');
    await victim!.app.exited;
    await waitUntil('the loadgen to notice', 60_000, () => fleet.total().connected < args.agents);
    await waitUntil('every agent reconnected', stageTimeoutMs(args.agents), () => fleet.total().connected >= args.agents, () => `connected ${fleet.total().connected}`);
    reconnectedMs = Date.now() - t0;
    const converged = async (): Promise<boolean> => {
      if ((survivorsOnline = await onlineOn(survivors)) < args.agents) return false;
      return configHash === undefined || (await system.storeApplied(configHash)) >= args.agents;
    };
    const what = 'the store showing every agent online on a surviving gateway' + (configHash ? ' with its APPLIED status' : '');
    await waitUntil(what, stageTimeoutMs(args.agents), converged, () => `store shows ${survivorsOnline} online on survivors`, STORE_POLL_MS);
  } finally {
    s.series.kill = await sampler.stop();
  }
  const convergedMs = Date.now() - t0;
  // How the victim's agents spread: reconnections pick a random other gateway, as behind a load balancer.
  const survivorsHeld = await Promise.all(others.map((g) => heldBy(g.app)));
  const result = {
    held,
    plannedVictimAgents: args.victimAgents ?? null,
    reconnectedMs,
    convergedMs,
    survivorsHeld,
    ...(backlog === undefined ? {} : { configServiceBacklogPeak: peakBacklog(s.series.kill ?? []) }),
    loadAverage: load(),
  };
  s.results['killGateway'] = result;
  say(JSON.stringify(result, null, 2));
}
