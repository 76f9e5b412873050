/**
 * How long the config service's batched liveness write (`createLivenessWriter`, one UPDATE per
 * 5 000 agents) takes against a large `agents` table, with the table's fillfactor at each value
 * given: at 100 every update writes a new tuple on another page and so every index; with room
 * left on the page (migration 0005 sets 70) most updates stay heap-only (HOT).
 *
 *   npm run bench:liveness-flush -- [--agents 100000] [--rounds 12] [--fillfactors 100,70]
 *
 * Each fillfactor gets a schema of its own on the real PostgreSQL (`testEngines`), seeded with
 * `--agents` described agents carrying a ~1 KiB effective config, then `--rounds` flushes of 5 000
 * agents' heartbeats; it prints each flush's time and the table's HOT-update share, and drops the
 * schema, also after a failure or Ctrl-C. Results: docs/benchmarks.md.
 */
import { parseArgs } from 'node:util';
import { createLivenessWriter } from '@shepherd/config-service';
import { createMemoryOwnership } from '@shepherd/ownership';
import { connectPostgres, type SqlStore } from '@shepherd/store';
import { dropSchemaWith } from '@shepherd/store/testing';
import { testEngines, uniqueName } from '@shepherd/testing';
import { CleanupStack } from './support/cleanup-stack.js';
import { loadAverage } from './support/proc-stats.js';
import { RunStopper } from './support/run-stopper.js';
import { seedFleet } from './support/seed-fleet.js';

const USAGE = `usage: npm run bench:liveness-flush -- [options]
  --agents N          agents in the table (default 100000, 5000..1000000)
  --rounds N          flushes of 5 000 agents measured per fillfactor (default 12, 1..100)
  --fillfactors LIST  fillfactors of the agents table to compare (default 100,70; each 10..100)
  --help              this text`;
const PER_FLUSH = 5_000;
/** An idle PostgreSQL backend reports its table statistics within 10 s (PGSTAT_IDLE_INTERVAL). */
const STATS_DELAY_MS = 11_000;
const say = (line = ''): void => void process.stdout.write(`${line}\n`);
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

interface Args {
  readonly agents: number;
  readonly rounds: number;
  readonly fillfactors: readonly number[];
}

function parse(): Args | undefined {
  const { values } = parseArgs({ options: { agents: { type: 'string' }, rounds: { type: 'string' }, fillfactors: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help === true) return undefined;
  const agents = Number(values.agents ?? 100_000);
  const rounds = Number(values.rounds ?? 12);
  const fillfactors = (values.fillfactors ?? '100,70').split(',').map(Number);
  const within = (n: number, min: number, max: number): boolean => Number.isInteger(n) && n >= min && n <= max;
  if (!within(agents, PER_FLUSH, 1_000_000) || !within(rounds, 1, 100) || fillfactors.length === 0 || !fillfactors.every((f) => within(f, 10, 100))) {
    throw new Error(`bad option\n${USAGE}`);
  }
  return { agents, rounds, fillfactors };
}

/** Seeds one schema at `fill` and times `rounds` flushes of the real liveness writer. */
async function measure(args: Args, fill: number, cleanup: CleanupStack): Promise<void> {
  const schema = uniqueName('liveness');
  const store = await connectPostgres({ url: testEngines.databaseUrl, schema });
  cleanup.add('close the PostgreSQL store', () => store.close());
  cleanup.add(`drop schema ${schema}`, () => dropSchemaWith(store, schema));
  await store.migrate();
  await store.query(`ALTER TABLE agents SET (fillfactor = ${fill})`);
  const fleet = await seedFleet(store, createMemoryOwnership(), { agents: args.agents, gateways: 2, progress: () => undefined });
  // What a Collector reports: an effective config of about a kilobyte, and a health summary.
  const effective = { configMap: { 'collector.yaml': { body: 'x'.repeat(900), contentType: 'text/yaml' } } };
  await store.query(`UPDATE agents SET effective_config = $1::jsonb, health = '{"healthy":true,"status":"StatusOK"}'::jsonb`, [effective]);
  await store.query('VACUUM ANALYZE agents');
  const before = await updateCounts(store, schema);
  const writer = createLivenessWriter({ store, logger: silent, flushIntervalMs: 3_600_000, chunkSize: PER_FLUSH });
  const times: number[] = [];
  let at = Date.now();
  for (let round = 0; round < args.rounds; round += 1) {
    at += 30_000;
    const first = (round * PER_FLUSH) % args.agents;
    for (const instanceUid of fleet.uids.slice(first, first + PER_FLUSH)) writer.enqueue({ instanceUid, at: new Date(at), sequenceNum: BigInt(round + 2) });
    const started = performance.now();
    await writer.flush();
    times.push(performance.now() - started);
  }
  await writer.stop();
  const after = await updateCounts(store, schema);
  const updates = after.updates - before.updates;
  const hotShare = updates > 0 ? Math.round((100 * (after.hot - before.hot)) / updates) : 0;
  const sorted = [...times].sort((a, b) => a - b);
  say(`fillfactor ${fill}: ${PER_FLUSH}-agent flushes ${times.map((t) => t.toFixed(0)).join(' ')} ms (median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)}); ${hotShare} % of their ${updates} row updates heap-only`);
}

/** The agents table's update counters; read once every backend reported the statistics of its earlier statements. */
async function updateCounts(store: SqlStore, schema: string): Promise<{ updates: number; hot: number }> {
  await new Promise((resolve) => setTimeout(resolve, STATS_DELAY_MS));
  const { rows } = await store.query<{ upd: string; hot: string }>('SELECT n_tup_upd AS upd, n_tup_hot_upd AS hot FROM pg_stat_user_tables WHERE relname = $1 AND schemaname = $2', ['agents', schema]);
  return { updates: Number(rows[0]?.upd ?? 0), hot: Number(rows[0]?.hot ?? 0) };
}

async function main(): Promise<void> {
  let args: Args | undefined;
  try {
    args = parse();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  if (args === undefined) return say(USAGE);
  const cleanup = new CleanupStack();
  const stopper = new RunStopper({ cleanup, report: (failures) => failures.forEach((f) => process.stderr.write(`cleanup: ${f}\n`)) });
  stopper.install(3_600_000);
  let failed = false;
  try {
    say(`liveness flush: ${args.agents} agents, ${args.rounds} flushes of ${PER_FLUSH} per fillfactor (${args.fillfactors.join(', ')}); load ${loadAverage()}`);
    for (const fill of args.fillfactors) await measure(args, fill, cleanup);
  } catch (err) {
    failed = true;
    process.stderr.write(`liveness-flush failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  await stopper.finish(failed ? 1 : 0);
}

await main();
