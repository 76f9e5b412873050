import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * Agents one gateway is planned to hold at most here: every process may open 20 000 files and a
 * gateway admits at most that less 256 (libs/gateway connection-capacity.ts), so about 19 744;
 * the rest is headroom for the uneven random spread of reconnections.
 */
export const MAX_AGENTS_PER_GATEWAY = 19_500;

/** A command-line value out of range, malformed or inconsistent with the others. */
export class ScaleArgsError extends Error {
  override readonly name = 'ScaleArgsError';
  readonly code = 'SCALE_ARGS_INVALID';
}

/** Settings of one `agent-scale` run. */
export interface ScaleArgs {
  readonly agents: number;
  /**
   * Gateway processes; each holds its share of {@link firstConnectionSplit} (one process may open
   * at most 20 000 files here, see {@link MAX_AGENTS_PER_GATEWAY}).
   */
  readonly gateways: number;
  /** Load-generator processes. */
  readonly clients: number;
  /** Connections per second over the whole fleet while ramping. */
  readonly ramp: number;
  readonly heartbeatMs: number;
  /** Steady-state window measured after the ramp (scenario b: 300). */
  readonly steadyS: number;
  /** Scenario c: one config change fanned out to every agent after the steady window. */
  readonly fanout: boolean;
  /** Scenario d: kill -9 the first gateway after the steady window and time the reconnection. */
  readonly killGateway: boolean;
  /**
   * Scenario d: agents on the killed (first) gateway at first connection; the others share the
   * rest evenly. Undefined: every gateway gets an even share.
   */
  readonly victimAgents: number | undefined;
  readonly sourceAddresses: number;
  /** The whole run (cleanup excluded); exceeded means failure. */
  readonly timeoutS: number;
  /** Absolute path of the JSON results and series file (scale-output.ts), if asked for. */
  readonly out: string | undefined;
  /** Absolute directory for V8 CPU profiles of the gateways and the config service, if asked for. */
  readonly cpuProfDir: string | undefined;
  /** Extra environment of every Shepherd process (`--env KEY=VALUE`, repeatable), e.g. CONFIG_FANOUT_BATCH. */
  readonly env: Readonly<Record<string, string>>;
  /**
   * One all-in-one process on the embedded adapters (PGlite, in-process bus, in-memory
   * ownership) instead of gateway, config-service and admin-api processes on the real engines;
   * then `gateways` is 1 and `killGateway` false.
   */
  readonly embedded: boolean;
}

export const SCALE_USAGE = `usage: npm run bench:agent-scale -- [options]
  --agents N            WebSocket agents (default 2000, 1..200000; at most ${MAX_AGENTS_PER_GATEWAY} with --embedded)
  --embedded            one all-in-one process (gateway, config service, REST API) on PGlite, the in-process
                        bus and in-memory ownership, for comparison; not with --kill-gateway or --gateways > 1
  --gateways N          gateway processes (default ceil(agents / 15000), one more with --kill-gateway)
  --clients N           load-generator processes (default ceil(agents / 10000))
  --ramp N              new connections per second, whole fleet (default 1000)
  --heartbeat-ms N      agent heartbeat period (default 30000)
  --steady-s N          steady-state window after the ramp (default 60; scenario b: 300)
  --fanout              scenario c: push one config to every agent, time APPLIED at the agents and in the store
  --kill-gateway        scenario d: kill -9 one gateway, time its agents' reconnection and the store's convergence
  --victim-agents N     with --kill-gateway: N agents on the killed gateway at first connection, the rest
                        evenly on the others (default: even split); N, every other gateway's share and the
                        survivors' average after the kill must stay <= ${MAX_AGENTS_PER_GATEWAY}
  --source-addresses N  loopback source addresses (default 64)
  --timeout-s N         give up after N seconds (default 1800)
  --out FILE            also write results and time series (ramp, fan-out, kill) as JSON, for bench:plot
  --cpu-prof DIR        run the gateways and the config service (or the all-in-one) with node --cpu-prof into DIR/<process>/
                        (stopped gracefully at the end so the profiles get written; see bench:cpu-profile)
  --env KEY=VALUE       extra environment for the gateways, config service and admin API, or the all-in-one (repeatable),
                        e.g. --env CONFIG_FANOUT_BATCH=2000 (docs/configuration.md)`;

function int(values: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const raw = values[name] as string | undefined;
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new ScaleArgsError(`--${name} must be an integer in ${min}..${max}, got ${String(raw)}`);
  return value;
}

function path(raw: string | undefined, name: string, cwd: string): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === '') throw new ScaleArgsError(`--${name} needs a path`);
  return resolve(cwd, raw);
}

/**
 * Agents per gateway at first connection, in gateway order: with `victimAgents`, the first (the
 * one scenario d kills) gets that many and the others share the rest evenly (the earlier ones one
 * more when it does not divide); without, an even split of all agents.
 */
export function firstConnectionSplit(agents: number, gateways: number, victimAgents?: number): number[] {
  const even = (n: number, k: number): number[] => Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));
  if (victimAgents === undefined || gateways < 2) return even(agents, gateways);
  return [victimAgents, ...even(agents - victimAgents, gateways - 1)];
}

/** Fewest gateways whose survivors hold `agents` after one is killed, at most {@link MAX_AGENTS_PER_GATEWAY} each on average. */
function gatewaysForKill(agents: number): number {
  return Math.max(2, Math.ceil(agents / MAX_AGENTS_PER_GATEWAY) + 1);
}

/** What to change so `victim` agents on the killed gateway fit: a `--gateways` range, or a smaller `--victim-agents`. */
function victimHint(agents: number, victim: number): string {
  const lo = gatewaysForKill(agents);
  // Every other gateway needs at least one agent (load-generator weights are positive).
  const hi = Math.min(64, agents - victim + 1);
  if (lo > hi) return `lower --victim-agents (at most ${Math.min(MAX_AGENTS_PER_GATEWAY, agents - lo + 1)} with --gateways ${lo})`;
  return lo === hi ? `use --gateways ${lo}` : `use --gateways ${lo} (any of ${lo}..${hi} works)`;
}

/**
 * Refuses a `--victim-agents` split the gateways here cannot hold, saying which `--gateways` works.
 * @throws {ScaleArgsError}
 */
function checkVictimSplit(agents: number, gateways: number, victim: number): void {
  const cap = MAX_AGENTS_PER_GATEWAY;
  if (victim > cap) throw new ScaleArgsError(`--victim-agents ${victim} is more than one gateway holds here (${cap}: the 20 000 open files of a process less reserves); lower it`);
  const hint = victimHint(agents, victim);
  if (gateways < 2) throw new ScaleArgsError(`--victim-agents needs a gateway to kill and at least one to survive: ${hint}`);
  const rest = agents - victim;
  if (rest < gateways - 1) throw new ScaleArgsError(`--victim-agents ${victim} leaves ${rest} of ${agents} agents for ${gateways - 1} other gateway(s), which need at least one each: ${hint}`);
  const most = Math.ceil(rest / (gateways - 1));
  if (most > cap) throw new ScaleArgsError(`with --victim-agents ${victim} the other ${gateways - 1} gateway(s) would hold up to ${most} agents each before the kill, more than ${cap}: ${hint}`);
  const average = agents / (gateways - 1);
  if (average > cap) {
    throw new ScaleArgsError(`after the kill the ${gateways - 1} surviving gateway(s) would hold ${Math.ceil(average)} agents each on average (their share plus ${victim}/${gateways - 1}), more than ${cap}: ${hint}`);
  }
}

/**
 * Parses the command line; relative `--out` and `--cpu-prof` paths are resolved against `cwd`.
 * @throws {ScaleArgsError} naming the bad flag (or the split `--victim-agents` cannot have);
 *   node's parseArgs error for an unknown flag.
 */
export function parseScaleArgs(argv: readonly string[], cwd = process.cwd()): ScaleArgs | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      help: { type: 'boolean' },
      embedded: { type: 'boolean' },
      fanout: { type: 'boolean' },
      'kill-gateway': { type: 'boolean' },
      out: { type: 'string' },
      'cpu-prof': { type: 'string' },
      env: { type: 'string', multiple: true },
      ...Object.fromEntries(['agents', 'victim-agents', 'gateways', 'clients', 'ramp', 'heartbeat-ms', 'steady-s', 'source-addresses', 'timeout-s'].map((n) => [n, { type: 'string' as const }])),
    },
    strict: true,
  });
  if (values.help) return 'help';
  const embedded = values.embedded === true;
  const agents = int(values, 'agents', 2000, 1, 200_000);
  const killGateway = values['kill-gateway'] === true;
  if (embedded) checkEmbedded(agents, killGateway, (values as Record<string, unknown>)['gateways'] as string | undefined);
  // Killing one gateway only converges when the others can hold every agent: one process holds
  // just under 20 000 sockets here (open-file limit), so the kill scenario gets one spare gateway.
  const neededGateways = embedded ? 1 : Math.ceil(agents / 15_000);
  const gateways = int(values, 'gateways', killGateway ? neededGateways + 1 : neededGateways, 1, 64);
  let victimAgents: number | undefined;
  if ((values as Record<string, unknown>)['victim-agents'] !== undefined) {
    if (!killGateway) throw new ScaleArgsError('--victim-agents only applies with --kill-gateway');
    victimAgents = int(values, 'victim-agents', 0, 1, agents);
    checkVictimSplit(agents, gateways, victimAgents);
  }
  return Object.freeze({
    agents,
    gateways,
    clients: int(values, 'clients', Math.ceil(agents / 10_000), 1, 64),
    ramp: int(values, 'ramp', 1000, 1, 100_000),
    heartbeatMs: int(values, 'heartbeat-ms', 30_000, 1000, 3_600_000),
    steadyS: int(values, 'steady-s', 60, 0, 3_600),
    fanout: values.fanout === true,
    killGateway,
    victimAgents,
    sourceAddresses: int(values, 'source-addresses', 64, 1, 250),
    timeoutS: int(values, 'timeout-s', 1800, 30, 7200),
    out: path(values.out, 'out', cwd),
    cpuProfDir: path(values['cpu-prof'], 'cpu-prof', cwd),
    env: envPairs(values.env ?? []),
    embedded,
  });
}

/**
 * Refuses what one all-in-one process cannot do: it is the only gateway (nothing to kill, no
 * second one) and holds every agent's socket within one process's 20 000 open files.
 * @throws {ScaleArgsError}
 */
function checkEmbedded(agents: number, killGateway: boolean, gateways: string | undefined): void {
  if (killGateway) throw new ScaleArgsError('--kill-gateway needs separate gateway processes; --embedded runs a single all-in-one process (drop one of the two)');
  if (gateways !== undefined && Number(gateways) !== 1) throw new ScaleArgsError(`--gateways ${gateways} needs separate gateway processes; --embedded runs a single all-in-one process (drop --gateways)`);
  if (agents > MAX_AGENTS_PER_GATEWAY) {
    throw new ScaleArgsError(`--agents ${agents} is more than one process holds here with --embedded (${MAX_AGENTS_PER_GATEWAY}: the 20 000 open files of a process less reserves); lower it or drop --embedded`);
  }
}

function envPairs(pairs: readonly string[]): Readonly<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(pair);
    if (match === null) throw new ScaleArgsError(`--env takes KEY=VALUE with an upper-case KEY, got ${pair}`);
    env[match[1]!] = match[2]!;
  }
  return Object.freeze(env);
}
