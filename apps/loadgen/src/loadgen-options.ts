import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

/** Most agents one process simulates: every agent is one socket, and a process may hold at most 20 000 files here. */
export const MAX_AGENTS_PER_PROCESS = 19_000;
/** Longest run; the generator stops by itself at the latest after this. */
export const MAX_DURATION_S = 3_600;

/** Endpoints used at most; further `--url`s (and their weights) are ignored. */
const MAX_URLS = 64;

/** A validated load-generator run. */
export interface LoadgenOptions {
  /**
   * Endpoints, all `ws://` or all `http://`. First connections (and every HTTP poll) follow a
   * deterministic spread by agent index in the ratio of {@link urlWeights} (see `firstUrlSpread`);
   * a WebSocket reconnection goes to a uniformly random endpoint other than the one that just
   * failed or closed, as behind a load balancer (see `reconnectUrl`).
   */
  readonly urls: readonly string[];
  /** One positive integer per URL: the ratio of first connections (default all 1, an even split). Reconnections ignore it. */
  readonly urlWeights: readonly number[];
  readonly transport: 'websocket' | 'http';
  readonly agents: number;
  /** Index of this process's first agent: uids and source addresses stay unique across processes. */
  readonly firstIndex: number;
  /** 8 hex bytes shared by one run's processes; the uid of agent i is this seed plus i. */
  readonly runSeed: string;
  /** New connections (WebSocket) or first polls (HTTP) per second while ramping. */
  readonly rampPerSecond: number;
  readonly heartbeatMs: number;
  /** HTTP only: total polls per second instead of one per agent per heartbeat (throughput runs). */
  readonly httpRate: number | undefined;
  /** HTTP only: polls in flight at most; a poll due while the bound is reached is counted as skipped. */
  readonly httpConcurrency: number;
  readonly durationS: number;
  /** Replies in the first seconds (the ramp) are left out of the run's latency percentiles. */
  readonly warmupS: number;
  /** Loopback source addresses to spread over (127.0.0.2 onward), to pass the per-address port limit. */
  readonly sourceAddresses: number;
  readonly token: string | undefined;
  /** Non-identifying attributes every agent reports (label selectors match them). */
  readonly labels: Readonly<Record<string, string>>;
  readonly progressMs: number;
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
}

/** A command-line value out of range or malformed. */
export class LoadgenOptionError extends Error {
  override readonly name = 'LoadgenOptionError';
}

/** Usage text for `--help`. */
export const USAGE = `loadgen: simulates OpAMP agents (WebSocket or plain HTTP) and prints JSON lines.
  --url URL              endpoint, repeatable; ws://... or http://... (required)
  --url-weights W,W,...  first connections split in this ratio, one positive integer per --url
                         (default even); reconnections go to a random other --url regardless
  --agents N             agents in this process, 1..${MAX_AGENTS_PER_PROCESS} (default 1000)
  --first-index N        index of the first agent (default 0)
  --run-seed HEX         16 hex digits shared by the processes of one run (default random)
  --ramp N               connections per second while ramping (default 500)
  --heartbeat-ms N       heartbeat period (default 30000)
  --http-rate N          HTTP: polls per second in total instead of one per heartbeat
  --http-concurrency N   HTTP: polls in flight at most (default 256)
  --duration-s N         stop after N seconds, 1..${MAX_DURATION_S} (default 60)
  --warmup-s N           leave the first N seconds out of the summary's latency (default 0)
  --source-addresses N   loopback source addresses 127.0.0.2.. to use, 1..250 (default 16)
  --token T              bearer token (default $LOADGEN_TOKEN)
  --label k=v            non-identifying attribute, repeatable (default env=loadgen)
  --progress-ms N        progress line period (default 1000)
  --reconnect-min-ms N / --reconnect-max-ms N   reconnect delay bounds (default 500 / 5000)`;

function int(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new LoadgenOptionError(`--${name} must be an integer in ${min}..${max}, got ${String(raw)}`);
  }
  return value;
}

function transportOf(urls: readonly string[]): 'websocket' | 'http' {
  if (urls.length === 0) throw new LoadgenOptionError('--url is required (ws://host:port/path or http://host:port/path)');
  const kinds = new Set(urls.map((url) => new URL(url).protocol));
  if (kinds.size !== 1) throw new LoadgenOptionError('--url values must all use the same scheme');
  const [kind] = [...kinds];
  if (kind === 'ws:' || kind === 'wss:') return 'websocket';
  if (kind === 'http:' || kind === 'https:') return 'http';
  throw new LoadgenOptionError(`--url must be ws://, wss://, http:// or https://, got ${String(kind)}`);
}

/** Largest weight: keeps agents × weight exact in a double. */
const MAX_URL_WEIGHT = 1_000_000_000;

function weightsOf(raw: string | undefined, urlCount: number): number[] {
  if (raw === undefined) return Array.from({ length: urlCount }, () => 1);
  const weights = raw.split(',').map((part) => (/^\s*\d+\s*$/.test(part) ? Number(part) : Number.NaN));
  if (weights.some((w) => !Number.isSafeInteger(w) || w < 1 || w > MAX_URL_WEIGHT)) {
    throw new LoadgenOptionError(`--url-weights must be positive integers (at most ${MAX_URL_WEIGHT}) separated by commas, got ${JSON.stringify(raw)}`);
  }
  if (weights.length !== urlCount) throw new LoadgenOptionError(`--url-weights needs one weight per --url: got ${weights.length} weights for ${urlCount} urls`);
  return weights;
}

function labelsOf(pairs: readonly string[]): Record<string, string> {
  if (pairs.length === 0) return { env: 'loadgen' };
  const labels: Record<string, string> = {};
  for (const pair of pairs.slice(0, 64)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new LoadgenOptionError(`--label must look like key=value, got ${JSON.stringify(pair)}`);
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}

/**
 * Parses and validates the command line (`--help` is handled by the caller).
 * @throws {LoadgenOptionError} naming the first bad flag.
 */
export function parseLoadgenOptions(argv: readonly string[], env: NodeJS.ProcessEnv = {}): LoadgenOptions {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        url: { type: 'string', multiple: true },
        label: { type: 'string', multiple: true },
        ...Object.fromEntries(
          ['url-weights', 'agents', 'first-index', 'run-seed', 'ramp', 'heartbeat-ms', 'http-rate', 'http-concurrency', 'duration-s', 'warmup-s', 'source-addresses', 'token', 'progress-ms', 'reconnect-min-ms', 'reconnect-max-ms'].map(
            (name) => [name, { type: 'string' as const }],
          ),
        ),
      },
      strict: true,
    }));
  } catch (err) {
    throw new LoadgenOptionError((err as Error).message);
  }
  const s = (name: string): string | undefined => values[name] as string | undefined;
  const urls = (values['url'] as string[] | undefined) ?? [];
  const runSeed = s('run-seed') ?? randomSeed();
  if (!/^[0-9a-f]{16}$/.test(runSeed)) throw new LoadgenOptionError(`--run-seed must be 16 lower-case hex digits, got ${JSON.stringify(runSeed)}`);
  const transport = transportOf(urls);
  const urlWeights = weightsOf(s('url-weights'), urls.length);
  const reconnectMinMs = int('reconnect-min-ms', s('reconnect-min-ms'), 500, 10, 600_000);
  const durationS = int('duration-s', s('duration-s'), 60, 1, MAX_DURATION_S);
  return Object.freeze({
    urls: Object.freeze(urls.slice(0, MAX_URLS)),
    urlWeights: Object.freeze(urlWeights.slice(0, MAX_URLS)),
    transport,
    agents: int('agents', s('agents'), 1000, 1, MAX_AGENTS_PER_PROCESS),
    firstIndex: int('first-index', s('first-index'), 0, 0, 10_000_000),
    runSeed,
    rampPerSecond: int('ramp', s('ramp'), 500, 1, 100_000),
    heartbeatMs: int('heartbeat-ms', s('heartbeat-ms'), 30_000, 100, 3_600_000),
    httpRate: s('http-rate') === undefined ? undefined : int('http-rate', s('http-rate'), 0, 1, 1_000_000),
    httpConcurrency: int('http-concurrency', s('http-concurrency'), 256, 1, 10_000),
    durationS,
    warmupS: int('warmup-s', s('warmup-s'), 0, 0, durationS - 1),
    sourceAddresses: int('source-addresses', s('source-addresses'), 16, 1, 250),
    token: s('token') ?? env['LOADGEN_TOKEN'],
    labels: Object.freeze(labelsOf((values['label'] as string[] | undefined) ?? [])),
    progressMs: int('progress-ms', s('progress-ms'), 1000, 50, 60_000),
    reconnectMinMs,
    reconnectMaxMs: int('reconnect-max-ms', s('reconnect-max-ms'), Math.max(5000, reconnectMinMs), reconnectMinMs, 600_000),
  });
}

function randomSeed(): string {
  return randomBytes(8).toString('hex');
}
