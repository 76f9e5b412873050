import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** Settings of one `agent-scale` run. */
export interface ScaleArgs {
  readonly agents: number;
  /** Gateway processes; each holds agents / gateways connections (one process may open at most 20 000 files here). */
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
  readonly sourceAddresses: number;
  /** The whole run (cleanup excluded); exceeded means failure. */
  readonly timeoutS: number;
  /** Absolute path of the JSON results and series file (scale-output.ts), if asked for. */
  readonly out: string | undefined;
  /** Absolute directory for V8 CPU profiles of the gateways and the config service, if asked for. */
  readonly cpuProfDir: string | undefined;
}

export const SCALE_USAGE = `usage: npm run bench:agent-scale -- [options]
  --agents N            WebSocket agents (default 2000, 1..200000)
  --gateways N          gateway processes (default ceil(agents / 15000), one more with --kill-gateway)
  --clients N           load-generator processes (default ceil(agents / 10000))
  --ramp N              new connections per second, whole fleet (default 1000)
  --heartbeat-ms N      agent heartbeat period (default 30000)
  --steady-s N          steady-state window after the ramp (default 60; scenario b: 300)
  --fanout              scenario c: push one config to every agent, time APPLIED at the agents and in the store
  --kill-gateway        scenario d: kill -9 one gateway, time its agents' reconnection and the store's convergence
  --source-addresses N  loopback source addresses (default 64)
  --timeout-s N         give up after N seconds (default 1800)
  --out FILE            also write results and time series (ramp, fan-out, kill) as JSON, for bench:plot
  --cpu-prof DIR        run the gateways and the config service with node --cpu-prof into DIR/<process>/
                        (stopped gracefully at the end so the profiles get written; see bench:cpu-profile)`;

function int(values: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const raw = values[name] as string | undefined;
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new Error(`--${name} must be an integer in ${min}..${max}, got ${String(raw)}`);
  return value;
}

function path(raw: string | undefined, name: string, cwd: string): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === '') throw new Error(`--${name} needs a path`);
  return resolve(cwd, raw);
}

/**
 * Parses the command line; relative `--out` and `--cpu-prof` paths are resolved against `cwd`.
 * @throws Error naming the bad flag.
 */
export function parseScaleArgs(argv: readonly string[], cwd = process.cwd()): ScaleArgs | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      help: { type: 'boolean' },
      fanout: { type: 'boolean' },
      'kill-gateway': { type: 'boolean' },
      out: { type: 'string' },
      'cpu-prof': { type: 'string' },
      ...Object.fromEntries(['agents', 'gateways', 'clients', 'ramp', 'heartbeat-ms', 'steady-s', 'source-addresses', 'timeout-s'].map((n) => [n, { type: 'string' as const }])),
    },
    strict: true,
  });
  if (values.help) return 'help';
  const agents = int(values, 'agents', 2000, 1, 200_000);
  const killGateway = values['kill-gateway'] === true;
  // Killing one gateway only converges when the others can hold every agent: one process holds
  // just under 20 000 sockets here (open-file limit), so the kill scenario gets one spare gateway.
  const neededGateways = Math.ceil(agents / 15_000);
  return Object.freeze({
    agents,
    gateways: int(values, 'gateways', killGateway ? neededGateways + 1 : neededGateways, 1, 64),
    clients: int(values, 'clients', Math.ceil(agents / 10_000), 1, 64),
    ramp: int(values, 'ramp', 1000, 1, 100_000),
    heartbeatMs: int(values, 'heartbeat-ms', 30_000, 1000, 3_600_000),
    steadyS: int(values, 'steady-s', 60, 0, 3_600),
    fanout: values.fanout === true,
    killGateway,
    sourceAddresses: int(values, 'source-addresses', 64, 1, 250),
    timeoutS: int(values, 'timeout-s', 1800, 30, 7200),
    out: path(values.out, 'out', cwd),
    cpuProfDir: path(values['cpu-prof'], 'cpu-prof', cwd),
  });
}
