/**
 * Issue 6, scenario e: plain-HTTP heartbeat throughput at p99 < 100 ms, Shepherd's gateway (one
 * process, real NATS and Redis) side by side with `@elastic/mockopampserver` (one process), both
 * driven by the same load generator (apps/loadgen in HTTP mode at a fixed total rate), in steps
 * of rising rate. A step passes when the p99 poll latency is under 100 ms and under 1 % of the
 * polls were skipped (load generator at its in-flight bound). Reports each server's best passing
 * rate and their ratio.
 *
 *   npm run bench:http-heartbeats -- [--agents 2000] [--step-s 15] [--rates 500,1000,2000,...]
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { CleanupStack } from './support/cleanup-stack.js';
import { spawnJsonProcess } from './support/json-process.js';
import { openScaleDeployment, MAINS } from './support/scale-deployment.js';
import { resolve } from 'node:path';

const say = (line = ''): void => void process.stdout.write(`${line}\n`);
const load = (): string => loadavg().map((v) => v.toFixed(2)).join(' ');
const P99_LIMIT_MS = 100;
/** Seconds per step before measuring: every agent's first (full) poll and the server's warm-up. */
const WARMUP_S = 3;

interface Step {
  readonly rate: number;
  readonly achieved: number;
  readonly p99: number;
  readonly p50: number;
  readonly skipped: number;
  readonly errors: number;
  readonly pass: boolean;
}

async function runStep(url: string, token: string, agents: number, rate: number, stepS: number, processes: number): Promise<Step> {
  const summaries: Record<string, unknown>[] = [];
  const progress = new Map<number, Record<string, unknown>>();
  const per = Math.ceil(agents / processes);
  const procs = Array.from({ length: processes }, (_, p) =>
    spawnJsonProcess(
      MAINS.loadgen,
      ['--url', url, '--agents', String(per), '--first-index', String(p * per), '--http-rate', String(Math.ceil(rate / processes)), '--ramp', '5000', '--duration-s', String(stepS + WARMUP_S), '--warmup-s', String(WARMUP_S), '--http-concurrency', '512', '--source-addresses', '32'],
      { LOADGEN_TOKEN: token },
      (r) => {
        if (r['msg'] === 'loadgen summary') summaries.push(r);
        if (r['msg'] === 'loadgen progress') progress.set(p, r);
      },
    ),
  );
  await Promise.all(procs.map((p) => p.exited));
  const finals = [...progress.values()];
  const sent = finals.reduce((a, r) => a + Object.values(r['sent'] as Record<string, number>).reduce((x, y) => x + y, 0), 0);
  const measured = summaries.reduce((a, s) => a + (s['latencyTotal'] as { count: number }).count / (s['measuredS'] as number), 0);
  const skipped = finals.reduce((a, r) => a + (r['httpSkipped'] as number), 0);
  const errors = finals.reduce((a, r) => a + (r['httpErrors'] as number), 0);
  // Each process measured its own polls; the worst p99 of equal shares bounds the merged one from above.
  const p99 = Math.max(...summaries.map((s) => (s['latencyTotal'] as { p99: number }).p99));
  const p50 = Math.max(...summaries.map((s) => (s['latencyTotal'] as { p50: number }).p50));
  const achieved = measured;
  const pass = summaries.length === processes && p99 < P99_LIMIT_MS && skipped < 0.01 * (sent + skipped) && errors === 0;
  return { rate, achieved: Math.round(achieved), p99: +p99.toFixed(1), p50: +p50.toFixed(1), skipped, errors, pass };
}

async function sweep(name: string, url: string, token: string, args: { agents: number; stepS: number; rates: number[]; processes: number }): Promise<number> {
  say(`\n${name} at ${url}`);
  let best = 0;
  for (const rate of args.rates) {
    const step = await runStep(url, token, args.agents, rate, args.stepS, args.processes);
    say(`  ${JSON.stringify(step)} load ${load()}`);
    if (!step.pass) break;
    best = step.achieved;
  }
  return best;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { agents: { type: 'string' }, 'step-s': { type: 'string' }, rates: { type: 'string' }, clients: { type: 'string' } } });
  const agents = Math.min(19_000, Number(values.agents ?? 2000));
  const stepS = Math.min(120, Number(values['step-s'] ?? 15));
  const processes = Math.min(8, Number(values.clients ?? 2));
  const rates = (values.rates ?? '500,1000,2000,3000,4000,6000,8000').split(',').map(Number).filter((n) => n > 0).slice(0, 20);
  if (!(agents > 0 && stepS > 0 && processes > 0)) throw new Error('--agents, --step-s and --clients must be positive');
  const cleanup = new CleanupStack();
  const timeout = setTimeout(() => void cleanup.run().then(() => process.exit(1)), (rates.length * (stepS + 15) * 2 + 180) * 1000);
  process.once('SIGINT', () => void cleanup.run().then(() => process.exit(130)));
  let failed = false;
  try {
    say(`HTTP heartbeat throughput: ${agents} agents, ${processes} load generator(s), steps of ${stepS} s at ${rates.join(', ')} polls/s; load ${load()}`);
    const deployment = await openScaleDeployment(cleanup);
    const gateway = await deployment.startGateway(`${deployment.name.replace(/_/g, '-')}-gw`);
    let endpoint = '';
    const mock = spawnJsonProcess(resolve(import.meta.dirname, 'support/mock-opamp-main.ts'), [], {}, (r) => {
      if (r['msg'] === 'mock listening') endpoint = String(r['endpoint']);
    });
    cleanup.add('stop the mock server', async () => {
      mock.kill('SIGKILL');
      await mock.exited;
    });
    const started = Date.now();
    while (endpoint === '' && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 100));
    if (endpoint === '') throw new Error(`@elastic/mockopampserver did not start: ${mock.stderr()}`);
    const shepherd = await sweep('Shepherd gateway (NATS + Redis)', gateway.url('opamp'), deployment.token, { agents, stepS, rates, processes });
    const elastic = await sweep('@elastic/mockopampserver', endpoint, deployment.token, { agents, stepS, rates, processes });
    say(`\nRESULT ${JSON.stringify({ agents, stepS, shepherdPollsPerSecond: shepherd, mockPollsPerSecond: elastic, ratio: elastic > 0 ? +(shepherd / elastic).toFixed(2) : null, load: load() })}`);
  } catch (err) {
    failed = true;
    process.stderr.write(`http-heartbeats failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  } finally {
    clearTimeout(timeout);
    const failures = await cleanup.run();
    failures.forEach((f) => process.stderr.write(`cleanup: ${f}\n`));
  }
  process.exit(failed ? 1 : 0);
}

await main();
