import { parseArgs } from 'node:util';

/** Settings of one `config-fanout` benchmark invocation. */
export interface FanoutArgs {
  /** PGlite + in-process bus + in-memory ownership instead of PostgreSQL, NATS and Redis. */
  readonly embedded: boolean;
  /** Agents seeded into the inventory (all online, described, accepting remote config). */
  readonly agents: number;
  /** Gateways the agents' ownership claims are spread over. */
  readonly gateways: number;
  /** Measured runs per scenario, after one unmeasured warm-up run. */
  readonly runs: number;
  /** CONFIG_FANOUT_BATCH of the config service. */
  readonly batch: number;
  /** Offers are signed as in production unless this is set. */
  readonly unsigned: boolean;
  /** Whole invocation (cleanup excluded); exceeded means failure. */
  readonly timeoutMs: number;
  /** Active assignments created beforehand on selectors matching no agent (each agent's target resolution reads them all). */
  readonly assignments: number;
  /** Also print the config service's info logs. */
  readonly verbose: boolean;
}

const USAGE = `usage: npm run bench:config-fanout -- [options]
  --embedded        PGlite + in-process bus + in-memory ownership (default: PostgreSQL, NATS JetStream, Redis)
  --agents N        agents in the inventory (default 10000, 1..200000)
  --gateways N      gateways owning them (default 4, 1..64)
  --runs N          measured runs per scenario after one warm-up (default 5, 1..50)
  --batch N         CONFIG_FANOUT_BATCH (default 2000, as the service, 1..100000)
  --assignments N   other active assignments, matching no agent, created first (default 0, 0..10000)
  --unsigned        do not sign offers (production signs them)
  --timeout-s N     give up after N seconds (default 600, 10..3600)
  --verbose         also print the config service's info logs`;

/** Parses the command line; prints usage and exits on `--help` or a bad value. */
export function parseFanoutArgs(argv: readonly string[]): FanoutArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        embedded: { type: 'boolean', default: false },
        agents: { type: 'string', default: '10000' },
        gateways: { type: 'string', default: '4' },
        runs: { type: 'string', default: '5' },
        batch: { type: 'string', default: '2000' },
        unsigned: { type: 'boolean', default: false },
        'timeout-s': { type: 'string', default: '600' },
        assignments: { type: 'string', default: '0' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    return usageExit((err as Error).message);
  }
  const { values } = parsed;
  if (values.help) return usageExit();
  return Object.freeze({
    embedded: values.embedded,
    agents: intArg('--agents', values.agents, 1, 200_000),
    gateways: intArg('--gateways', values.gateways, 1, 64),
    runs: intArg('--runs', values.runs, 1, 50),
    batch: intArg('--batch', values.batch, 1, 100_000),
    unsigned: values.unsigned,
    timeoutMs: intArg('--timeout-s', values['timeout-s'], 10, 3_600) * 1_000,
    assignments: intArg('--assignments', values.assignments, 0, 10_000),
    verbose: values.verbose,
  });
}

function intArg(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    return usageExit(`${name} must be an integer in ${min}..${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function usageExit(problem?: string): never {
  if (problem !== undefined) process.stderr.write(`${problem}\n`);
  process.stderr.write(`${USAGE}\n`);
  process.exit(problem === undefined ? 0 : 2);
}
