/**
 * Issue 6, scenario e: plain-HTTP heartbeat throughput at p99 < 100 ms, Shepherd's gateway (one
 * process, real NATS and Redis) side by side with `@elastic/mockopampserver` (one process), in
 * steps of rising rate. Both are driven alike: the same load-generator processes (apps/loadgen in
 * HTTP mode at a fixed total rate) with the same settings, the same agents at every step of a
 * sweep (one run seed), and each server alone on the machine while it is measured (the other one
 * is not running). A step passes when, in the measured window after the warm-up, the p99 poll
 * latency is under 100 ms, under 1 % of the polls were skipped (load generator at its in-flight
 * bound) and at most one in 10 000 failed. Reports each server's best passing rate (polls/s achieved) and their
 * ratio, and each step's server CPU per poll (the server process's CPU time over the window,
 * divided by the polls sent in it: a cost that does not depend on where the p99 limit falls)
 * the load generators' own largest event-loop delay in it (a spike there is theirs) and the
 * machine's TCP counters over it (connections accepted, resets, retransmits, listen overflows:
 * with kept-alive connections a window should open none).
 * With `--rounds N` the two sweeps alternate N times (Shepherd first in odd rounds, the mock
 * first in even ones) and the ratio reported is the median of the rounds' ratios: on a shared
 * machine one pair of sweeps can land on a slow minute for either server. `--out FILE` also
 * writes every step as JSON.
 *
 *   npm run bench:http-heartbeats -- [--agents 2000] [--step-s 15] [--rates 500,1000,2000,...] [--clients 2] [--warmup-s N] [--rounds N] [--out FILE]
 *
 * --warmup-s replaces the computed warm-up (3 s plus the first polls' ramp), e.g. for a fleet
 * whose first full reports the server needs longer to absorb.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CleanupStack } from './support/cleanup-stack.js';
import { RunStopper } from './support/run-stopper.js';
import { spawnJsonProcess } from './support/json-process.js';
import { loadAverage as load, sampleProcess } from './support/proc-stats.js';
import { MAINS } from './support/app-bundles.js';
import { openScaleDeployment } from './support/scale-deployment.js';
import { median, roundOf, type Round, type Sweep } from './support/http-rounds.js';
import type { HttpHeartbeatStep } from './support/plot-input.js';
import { readTcpCounters, tcpDelta, type TcpCounters } from './support/tcp-counters.js';

const say = (line = ''): void => void process.stdout.write(`${line}\n`);
const P99_LIMIT_MS = 100;
/** Failed polls a passing step may have, as a share of those sent. */
const MAX_ERROR_SHARE = 0.0001;
/** First polls per second of one load generator while ramping. */
const RAMP_PER_PROCESS = 5_000;
/** Load-generator settings every step of both servers uses. */
const LOADGEN_ARGS = ['--ramp', String(RAMP_PER_PROCESS), '--http-concurrency', '512', '--source-addresses', '32', '--progress-ms', '1000'];
/** Below this share of the target rate a step is flagged: the load generators (or the CPU they share) set the pace. */
const PACED_SHARE = 0.9;

const USAGE = `usage: npm run bench:http-heartbeats -- [options]
  --agents N     simulated HTTP agents (default 2000, at most 19000)
  --clients N    load-generator processes (default 2, at most 8)
  --rates LIST   total polls/s of the steps, comma-separated (default 500,1000,2000,3000,4000,6000,8000)
  --step-s N     measured seconds per step (default 15, at most 120)
  --warmup-s N   warm-up before each step's window (default: 3 s plus the first polls' ramp)
  --rounds N     alternate the two sweeps N times (default 1, at most 5); the ratio is the median
  --out FILE     also write every step as JSON (for bench:plot)
  --cpu-prof DIR run the gateway and the mock with node --cpu-prof into DIR/<gateway>/ and DIR/mock-r<round>/ (summary: npm run bench:cpu-profile)
  --help         this text`;

type ServerName = HttpHeartbeatStep['server'];

/** One step's figures over the measured window, summed over the load generators (the `--out` shape). */
type Step = HttpHeartbeatStep;

interface SweepArgs {
  readonly agents: number;
  readonly stepS: number;
  readonly warmupS: number;
  readonly rates: readonly number[];
  readonly processes: number;
  readonly rounds: number;
}

/** The server under test: where to poll it, and its process (for its CPU time). */
interface Target {
  readonly server: ServerName;
  readonly url: string;
  readonly pid: number;
  readonly round: number;
}

interface Measured {
  readonly sent: number;
  readonly skipped: number;
  readonly errors: number;
  /** Absent from load generators older than the error kinds. */
  readonly errorKinds?: Readonly<Record<string, number>>;
  readonly seconds: number;
}

/** `total` split into `parts` integers that differ by at most one. */
const split = (total: number, parts: number): number[] => Array.from({ length: parts }, (_, p) => Math.floor(total / parts) + (p < total % parts ? 1 : 0));

/** Every agent's first (full) poll goes out during the warm-up, and the server warms up too. */
const warmupSeconds = (agents: number, processes: number): number => 3 + Math.ceil(Math.ceil(agents / processes) / RAMP_PER_PROCESS);

/** What is read at both ends of the measured window. */
interface WindowEdge {
  /** The server's CPU seconds (undefined once it is gone). */
  readonly cpu: number | undefined;
  readonly tcp: TcpCounters | undefined;
}

/** Readings at the end of the warm-up and at the end of the window. */
function windowEdges(pid: number, args: SweepArgs): Promise<[WindowEdge, WindowEdge]> {
  const at = (seconds: number): Promise<WindowEdge> =>
    new Promise((resolve) =>
      setTimeout(() => void Promise.all([sampleProcess(pid), readTcpCounters()]).then(([s, tcp]) => resolve({ cpu: s?.cpuSeconds, tcp })), seconds * 1000),
    );
  return Promise.all([at(args.warmupS), at(args.warmupS + args.stepS)]);
}

async function runStep(target: Target, token: string, seed: string, rate: number, args: SweepArgs): Promise<Step> {
  const { server, url } = target;
  const summaries: Record<string, unknown>[] = [];
  const edges = windowEdges(target.pid, args);
  const agents = split(args.agents, args.processes);
  const rates = split(rate, args.processes);
  const procs = agents.map((count, p) =>
    spawnJsonProcess(
      MAINS.loadgen,
      [
        ...['--url', url, '--agents', String(count), '--first-index', String(agents.slice(0, p).reduce((a, b) => a + b, 0)), '--run-seed', seed],
        ...['--http-rate', String(rates[p]), '--duration-s', String(args.stepS + args.warmupS), '--warmup-s', String(args.warmupS), ...LOADGEN_ARGS],
      ],
      { LOADGEN_TOKEN: token },
      (r) => {
        if (r['msg'] === 'loadgen summary') summaries.push(r);
      },
    ),
  );
  const codes = await Promise.all(procs.map((p) => p.exited));
  codes.forEach((code, p) => {
    if (code !== 0) say(`  loadgen ${p} ended with ${String(code)}: ${procs[p]!.stderr().slice(-500)}`);
  });
  const measured = summaries.map((s) => s['measured'] as Measured);
  const latency = summaries.map((s) => s['latencyTotal'] as { p50: number; p99: number });
  const sum = (key: 'sent' | 'skipped' | 'errors'): number => measured.reduce((a, m) => a + m[key], 0);
  const [sent, skipped, errors] = [sum('sent'), sum('skipped'), sum('errors')];
  // The generators' own largest event-loop delay: a late read of a reply counts as a slow reply.
  const loadgenDelayMaxMs = Math.max(0, ...summaries.map((r) => Number(r['loopDelayMaxMs'] ?? 0)));
  const errorKinds: Record<string, number> = {};
  for (const m of measured) for (const [kind, n] of Object.entries(m.errorKinds ?? {})) errorKinds[kind] = (errorKinds[kind] ?? 0) + n;
  const achieved = measured.reduce((a, m) => a + (m.seconds > 0 ? m.sent / m.seconds : 0), 0);
  // Each process measured its own share of the polls; the worst percentile of equal shares bounds the merged one from above.
  const p99 = Math.max(0, ...latency.map((l) => l.p99));
  const p50 = Math.max(0, ...latency.map((l) => l.p50));
  const complete = summaries.length === procs.length && codes.every((c) => c === 0);
  // One failed poll in 10 000 is tolerated: a keep-alive connection the server closes as the
  // client reuses it fails a poll now and then against either server; more means trouble.
  const pass = complete && sent > 0 && p99 < P99_LIMIT_MS && skipped < 0.01 * (sent + skipped) && errors <= MAX_ERROR_SHARE * sent;
  const [start, end] = await edges;
  const cpuUsPerPoll = start.cpu === undefined || end.cpu === undefined || sent === 0 ? null : Math.round(((end.cpu - start.cpu) * 1e6) / sent);
  // Connections opened in the window mean the server or the pool closed kept-alive ones: each costs a handshake, and a burst of them overflows the listen queue.
  const tcp = start.tcp === undefined || end.tcp === undefined ? {} : { tcp: tcpDelta(start.tcp, end.tcp) };
  const round = target.round;
  return { server, round, rate, achieved: Math.round(achieved), p50: +p50.toFixed(1), p99: +p99.toFixed(1), skipped, sent, errors, ...(errors > 0 ? { errorKinds } : {}), pass, cpuUsPerPoll, loadgenDelayMaxMs, ...tcp };
}

/**
 * Steps of rising rate until one fails; returns the steps run, the best achieved rate of a
 * passing step, and whether that is only a lower bound (no step failed: the server was not saturated).
 */
async function sweep(target: Target, title: string, token: string, args: SweepArgs): Promise<Sweep> {
  say(`\n${title} at ${target.url}${args.rounds > 1 ? `, round ${target.round}` : ''}`);
  // The same agents at every step: the server's fleet stays at --agents, as it would in service.
  const seed = randomBytes(8).toString('hex');
  const steps: Step[] = [];
  let best = 0;
  for (const rate of args.rates) {
    const step = await runStep(target, token, seed, rate, args);
    steps.push(step);
    say(`  ${JSON.stringify(step)} load ${load()}`);
    if (step.pass && step.achieved < PACED_SHARE * rate) say(`  (achieved under ${PACED_SHARE * 100} % of the target: the load generators or the shared CPU set this pace)`);
    if (!step.pass) break;
    best = Math.max(best, step.achieved);
  }
  const lowerBound = steps.every((s) => s.pass);
  if (lowerBound) say(`  every step passed: ${best} polls/s is a lower bound (add higher --rates)`);
  return { steps, best, lowerBound };
}

/** Starts `@elastic/mockopampserver` in its own process; resolves with its endpoint and a stop. */
/** Starts the mock; with `profDir`, under `--cpu-prof` into it, and stopped with SIGTERM so node writes the profile. */
async function startMock(cleanup: CleanupStack, profDir?: string): Promise<{ endpoint: string; pid: number; stop: () => Promise<void> }> {
  let endpoint = '';
  if (profDir !== undefined) await mkdir(profDir, { recursive: true });
  const nodeArgs = profDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profDir];
  const onRecord = (r: Record<string, unknown>): void => {
    if (r['msg'] === 'mock listening') endpoint = String(r['endpoint']);
  };
  const mock = spawnJsonProcess(resolve(import.meta.dirname, 'support/mock-opamp-main.ts'), [], {}, onRecord, nodeArgs);
  const stop = async (): Promise<void> => {
    mock.kill(profDir === undefined ? 'SIGKILL' : 'SIGTERM');
    const killer = setTimeout(() => mock.kill('SIGKILL'), 10_000);
    await mock.exited;
    clearTimeout(killer);
  };
  cleanup.add('stop the mock server', stop);
  const started = Date.now();
  while (endpoint === '' && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 100));
  if (endpoint === '') throw new Error(`@elastic/mockopampserver did not start: ${mock.stderr()}`);
  return { endpoint, pid: mock.pid, stop };
}

function parseOptions(): SweepArgs & { out: string | undefined; cpuProfDir: string | undefined } {
  const { values } = parseArgs({
    options: {
      agents: { type: 'string' },
      'step-s': { type: 'string' },
      rates: { type: 'string' },
      clients: { type: 'string' },
      'warmup-s': { type: 'string' },
      rounds: { type: 'string' },
      out: { type: 'string' },
      'cpu-prof': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    say(USAGE);
    process.exit(0);
  }
  const agents = Math.min(19_000, Number(values.agents ?? 2000));
  const stepS = Math.min(120, Number(values['step-s'] ?? 15));
  const processes = Math.min(8, Number(values.clients ?? 2));
  const rounds = Math.min(5, Number(values.rounds ?? 1));
  const rates = (values.rates ?? '500,1000,2000,3000,4000,6000,8000').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0).slice(0, 20);
  const warmupS = values['warmup-s'] === undefined ? warmupSeconds(agents, processes) : Math.min(120, Number(values['warmup-s']));
  const whole = [agents, stepS, processes, warmupS, rounds].every((n) => Number.isInteger(n) && n > 0);
  if (!whole || rates.length === 0 || processes > agents || rates.some((r) => r < processes)) {
    throw new Error(`--agents, --step-s, --clients, --warmup-s, --rounds and --rates must be positive integers, with --clients at most --agents and every rate at least --clients\n${USAGE}`);
  }
  // npm runs scripts from the repository root; the path is the caller's.
  const cpuProfDir = values['cpu-prof'] === undefined ? undefined : resolve(process.env['INIT_CWD'] ?? process.cwd(), values['cpu-prof']);
  return { agents, stepS, warmupS, rates, processes, rounds, out: values.out, cpuProfDir };
}

async function main(): Promise<void> {
  const options = parseOptions();
  const { agents, stepS, warmupS, rates, processes, rounds: roundCount } = options;
  const at = new Date().toISOString();
  const cleanup = new CleanupStack();
  const stopper = new RunStopper({ cleanup, report: (failures) => failures.forEach((f) => process.stderr.write(`cleanup: ${f}\n`)) });
  stopper.install((roundCount * (rates.length * 2 * (stepS + warmupS + 20) + 120) + 240) * 1000);
  let failed = false;
  try {
    say(`HTTP heartbeat throughput: ${agents} agents, ${processes} load generator(s), ${roundCount} round(s), steps of ${warmupS} s warm-up + ${stepS} s at ${rates.join(', ')} polls/s; load ${load()}`);
    const deployment = await openScaleDeployment(cleanup, { cpuProfDir: options.cpuProfDir });
    const rounds: Round[] = [];
    for (let round = 1; round <= options.rounds; round += 1) {
      const runShepherd = async (): Promise<Sweep> => {
        const gateway = await deployment.startGateway(`${deployment.name.replace(/_/g, '-')}-gw${options.rounds > 1 ? `-r${round}` : ''}`);
        const swept = await sweep({ server: 'shepherd', url: gateway.url('opamp'), pid: gateway.pid, round }, 'Shepherd gateway (NATS + Redis)', deployment.token, options);
        // Each server runs alone while measured: the gateway's after-work must not slow the mock.
        await gateway.stop();
        return swept;
      };
      const runMock = async (): Promise<Sweep> => {
        const mockServer = await startMock(cleanup, options.cpuProfDir === undefined ? undefined : join(options.cpuProfDir, `mock-r${round}`));
        const swept = await sweep({ server: 'mock', url: mockServer.endpoint, pid: mockServer.pid, round }, '@elastic/mockopampserver', deployment.token, options);
        await mockServer.stop();
        return swept;
      };
      // Odd rounds measure Shepherd first, even rounds the mock, so neither always gets the
      // machine as the previous round (or whatever ran before the script) left it.
      const shepherdFirst = round % 2 === 1;
      const first = await (shepherdFirst ? runShepherd() : runMock());
      const second = await (shepherdFirst ? runMock() : runShepherd());
      rounds.push(shepherdFirst ? roundOf(round, first, second) : roundOf(round, second, first));
      say(`round ${round}: ${JSON.stringify(rounds.at(-1)?.summary)}`);
    }
    if (options.cpuProfDir !== undefined) say(`gateway and mock CPU profiles under ${options.cpuProfDir}`);
    const result = { agents, stepS, rounds: rounds.map((r) => r.summary), ratio: median(rounds.map((r) => r.summary.ratio)), load: load() };
    say(`\nRESULT ${JSON.stringify(result)}`);
    if (options.out !== undefined) {
      const cpu = cpus();
      const machine = { cores: cpu.length, model: cpu[0]?.model ?? 'unknown', node: process.version };
      const loadAverage = loadavg().map((v) => +v.toFixed(2));
      const steps = rounds.flatMap((r) => r.steps);
      const report = { kind: 'http-heartbeats', at, machine, agents, stepS, warmupS, steps, rounds: result.rounds, ratio: result.ratio, loadAverage };
      await writeFile(options.out, `${JSON.stringify(report, null, 2)}\n`);
      say(`wrote ${options.out}`);
    }
  } catch (err) {
    failed = true;
    process.stderr.write(`http-heartbeats failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  await stopper.finish(failed ? 1 : 0);
}

await main();
