/**
 * Issue 4 benchmark: with N agents in the inventory (default 10 000), how long a selector change
 * takes from the `createConfig` call until every push is enqueued at the owning gateways, and
 * how many store statements that costs per push. Target: under 2 s for 10 000 agents.
 *
 *   npm run bench:config-fanout -- [--embedded] [--agents N] [--runs N] ...   (see --help)
 *
 * Real engines by default (PostgreSQL in a fresh schema, NATS JetStream under a unique subject
 * prefix, Redis under a unique key prefix; `testEngines` addresses), `--embedded` for PGlite,
 * the in-process bus and in-memory ownership. Everything created is removed at the end, also
 * after a failure, a timeout or Ctrl-C. Method and results: docs/benchmarks.md.
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { createConfigAdmin, parseSelector, startConfigService, type ConfigAdmin, type LabelSelector } from '@shepherd/config-service';
import { generateSigningKey, signingKeyFromPem } from '@shepherd/config-signing';
import { countingStore } from '@shepherd/store/testing';
import { openEmbeddedEngines, openRealEngines } from './support/bench-engines.js';
import { CleanupStack } from './support/cleanup-stack.js';
import { RunStopper } from './support/run-stopper.js';
import { countDeliveries } from './support/delivery-counter.js';
import { parseFanoutArgs, type FanoutArgs } from './support/fanout-args.js';
import { fanoutLog, type FanoutLog } from './support/fanout-log.js';
import { formatBreakdown, formatRun, markdownRow, MARKDOWN_HEADER, percentile, summarize, type ScenarioSummary } from './support/fanout-report.js';
import { collectorFiles, runOnce, type RunContext, type RunResult, type Scenario } from './support/fanout-run.js';
import { BENCH_TENANT, seedFleet, type SeededFleet } from './support/seed-fleet.js';
import { timedOwnership } from './support/timed-ownership.js';
import { loadAverage as load } from './support/proc-stats.js';

const TARGET_AGENTS = 10_000;
const TARGET_MS = 2_000;

const say = (line = ''): void => void process.stdout.write(`${line}\n`);

async function benchmark(args: FanoutArgs, cleanup: CleanupStack): Promise<void> {
  const mode = args.embedded ? 'embedded' : 'real engines';
  say(
    `config fan-out benchmark (${mode}): ${args.agents} agents, ${args.gateways} gateways, batch ${args.batch}, ` +
      `${args.assignments} other assignments, ${args.runs} measured runs after 1 warm-up, offers ${args.unsigned ? 'unsigned' : 'signed'}`,
  );
  say(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, load ${load()}`);
  if ((loadavg()[0] ?? 0) > availableParallelism()) say('warning: the machine is busier than it has cores; the figures will be noisy');
  const engines = args.embedded ? await openEmbeddedEngines(cleanup) : await openRealEngines(cleanup);
  say(`engines: ${engines.versions}`);
  const seedStart = Date.now();
  const fleet = await seedFleet(engines.store, engines.ownership, { agents: args.agents, gateways: args.gateways, progress: progressPrinter(args.agents) });
  say(`seeded ${args.agents} agents and their ownership claims in ${Date.now() - seedStart} ms`);

  const store = countingStore(engines.store);
  const ownership = timedOwnership(engines.ownership);
  const log = fanoutLog(args.verbose);
  const deliveries = countDeliveries(engines.gatewayBus, engines.topology, fleet.gatewayIds, Math.min(1_000_000, args.agents * 2 + 1_000));
  cleanup.add('unsubscribe the gateways', () => deliveries.close());
  const service = await startConfigService({
    bus: engines.bus,
    store: store.store,
    ownership: ownership.ownership,
    topology: engines.topology,
    logger: log.logger,
    resendAfterMs: 60_000,
    fanoutBatch: args.batch,
    signingKey: args.unsigned ? undefined : signingKeyFromPem(generateSigningKey().privateKeyPem),
  });
  cleanup.add('stop the config service', () => service.stop());
  const admin = createConfigAdmin({ store: store.store, bus: engines.bus, topology: engines.topology, logger: log.logger });
  const runTimeoutMs = Math.max(30_000, args.agents * 5);
  await createOtherAssignments(admin, log, args.assignments, runTimeoutMs);
  await engines.store.query('ANALYZE');

  const ctx: RunContext = { admin, deliveries, store, ownership, log, runTimeoutMs };
  const summaries: ScenarioSummary[] = [];
  for (const scenario of scenarios(fleet)) {
    if (typeof scenario === 'string') say(`\n${scenario}`);
    else summaries.push(await measure(ctx, scenario, args.runs));
  }
  if (log.problems() > 0) throw new Error(`the config service logged ${log.problems()} warning(s) or error(s) (see stderr)`);
  say(`\nload ${load()}; Markdown rows for docs/benchmarks.md:`);
  [...MARKDOWN_HEADER, ...summaries.map((summary) => markdownRow(mode, args.agents, summary))].forEach((line) => say(line));
}

/** Prints seeding progress to stderr at every tenth of the way. */
function progressPrinter(total: number): (stage: string, done: number) => void {
  const printed = new Map<string, number>();
  return (stage, done) => {
    const tenth = Math.floor((done * 10) / total);
    if ((printed.get(stage) ?? -1) >= tenth) return;
    printed.set(stage, tenth);
    process.stderr.write(`  seeding ${stage}: ${done}/${total}\n`);
  };
}

/** Active assignments on selectors no agent matches: every agent's target resolution still reads them. */
async function createOtherAssignments(admin: ConfigAdmin, log: FanoutLog, count: number, timeoutMs: number): Promise<void> {
  if (count === 0) return;
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    const selector = parseSelector({ matchLabels: { team: `team-${i}` } });
    const created = await admin.createConfig({ tenantId: BENCH_TENANT, selector, files: collectorFiles(`team-${i}`), author: 'bench' });
    await log.waitForEnd(created.assignmentId, timeoutMs);
  }
  say(`created ${count} other active assignments in ${Date.now() - started} ms`);
}

/** The selector changes to time; a string explains a scenario that cannot run here. */
function scenarios(fleet: SeededFleet): (Scenario | string)[] {
  const agents = fleet.uids.length;
  const all: Scenario = {
    name: 'fleet=bench (all)',
    selector: parseSelector({ matchLabels: { fleet: 'bench' } }),
    expected: agents,
    ...(agents === TARGET_AGENTS ? { targetMs: TARGET_MS } : {}),
  };
  const half = halfSelector();
  if (half === undefined) return [all, 'skipped "zone in (z0,z1)": this build\'s parseSelector has no matchExpressions yet'];
  const expected = (fleet.perZone.get('z0') ?? 0) + (fleet.perZone.get('z1') ?? 0);
  return [all, { name: 'zone in (z0,z1) (half)', selector: half, expected }];
}

function halfSelector(): LabelSelector | undefined {
  try {
    const selector = parseSelector({ matchLabels: {}, matchExpressions: [{ key: 'zone', operator: 'In', values: ['z0', 'z1'] }] });
    return 'matchExpressions' in selector ? selector : undefined;
  } catch {
    return undefined;
  }
}

async function measure(ctx: RunContext, scenario: Scenario, runs: number): Promise<ScenarioSummary> {
  say(`\nselector ${scenario.name}: ${scenario.expected} agents to push to`);
  const cold = await runOnce(ctx, scenario, 'warm-up');
  say(formatRun('warm-up', cold));
  const results: RunResult[] = [];
  for (let i = 1; i <= runs; i++) {
    results.push(await runOnce(ctx, scenario, `run ${i}`));
    say(formatRun(`run ${i}`, results[results.length - 1] as RunResult));
  }
  const summary = summarize(scenario, cold, results);
  const median = results.find((run) => run.totalMs === percentile(results.map((r) => r.totalMs), 0.5)) as RunResult;
  say(`  where the median run's time went (summed wall time):`);
  formatBreakdown(median).forEach((line) => say(line));
  const target = scenario.targetMs;
  const verdict = target === undefined ? '' : summary.maxMs < target ? `; target < ${target} ms met` : `; target < ${target} ms MISSED`;
  say(
    `  => p50 ${Math.round(summary.p50Ms)} ms, max ${Math.round(summary.maxMs)} ms, ${Math.round(summary.agentsPerSecond)} agents/s, ` +
      `${summary.statementsPerPush.toFixed(4)} statements/push${verdict} (load ${load()})`,
  );
  return summary;
}

async function main(): Promise<void> {
  const args = parseFanoutArgs(process.argv.slice(2));
  const cleanup = new CleanupStack();
  const stopper = new RunStopper({
    cleanup,
    report(failures) {
      for (const failure of failures) process.stderr.write(`cleanup failed: ${failure}\n`);
      if (failures.length === 0) say('cleaned up');
    },
  });
  stopper.install(args.timeoutMs);
  let exitCode = 0;
  try {
    await benchmark(args, cleanup);
  } catch (err) {
    process.stderr.write(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    exitCode = 1;
  }
  // Exits explicitly: a run abandoned at the deadline may still hold timers or sockets.
  await stopper.finish(exitCode);
}

await main();
