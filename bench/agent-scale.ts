/**
 * Issue 6, scenarios a-d: N simulated WebSocket agents (apps/loadgen, several processes) on
 * G gateway processes, one config-service and one admin-api process, all on the real engines
 * (PostgreSQL schema, NATS subject prefix and Redis key prefix unique to the run); or, with
 * --embedded, on one all-in-one process on the embedded adapters, for comparison.
 *
 *   npm run bench:agent-scale -- --agents 20000 [--embedded] [--steady-s 300] [--fanout] [--kill-gateway [--victim-agents N]] [--out FILE] [--cpu-prof DIR]
 *
 * (a) ramp: time until every agent is connected and until the store lists every one online;
 * (b) steady state: gateway RSS per agent, CPU per process, messages/s by type, engine load;
 * (c) --fanout: one config change to every agent, APPLIED latency at the agents and in the store;
 * (d) --kill-gateway: kill -9 one gateway, time until its agents are back and the store converged;
 *     --victim-agents N puts N agents on that gateway at first connection (the others share the
 *     rest), and reconnecting agents pick a random other gateway, as behind a load balancer.
 * With --embedded the store is read through the all-in-one's REST API (PGlite belongs to it) and
 * the engine figures (NATS, Redis, PostgreSQL, config-service backlog) are absent; no (d).
 * --out writes the figures and time series sampled about once a second (for bench:plot);
 * --cpu-prof profiles the gateways and the config service (for bench:cpu-profile).
 * Every process, schema, stream and key is removed at the end, also after a failure, a timeout
 * or Ctrl-C, and verified gone; a second Ctrl-C does not interrupt that, a third does.
 * Method and results: docs/benchmarks.md.
 */
import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { CleanupStack } from './support/cleanup-stack.js';
import { loadAverage as load } from './support/proc-stats.js';
import { RunStopper } from './support/run-stopper.js';
import { firstConnectionSplit, parseScaleArgs, SCALE_USAGE, type ScaleArgs } from './support/scale-args.js';
import { fanoutPhase, killPhase } from './support/scale-change-phases.js';
import { machineInfo, writeScaleOutput, type AgentScaleOutput } from './support/scale-output.js';
import { rampPhase, steadyPhase } from './support/scale-phases.js';
import { say, startStack, type Stack } from './support/scale-stack.js';

/** Load generators first (a gateway drains its agents before it exits), then the profiled processes, gracefully. */
async function writeProfiles(s: Stack): Promise<void> {
  const dir = s.args.cpuProfDir!;
  say(`\nstopping the profiled processes gracefully so node writes their CPU profiles, load ${load()}`);
  const files = await s.system.stopProfiled();
  // tsx's loader thread writes a small profile of its own; the largest file in a directory is the main thread.
  const sized = await Promise.all(files.map(async (f) => ({ f, kib: Math.round((await stat(f)).size / 1024) })));
  say(`CPU profiles in ${dir} (per process; kill -9'd gateways write none):`);
  sized.forEach(({ f, kib }) => say(`  ${relative(dir, f)}  ${kib} KiB`));
  say('summarize one with: npm run bench:cpu-profile -- FILE.cpuprofile [--top 25]');
}

async function writeOut(s: Stack, error: unknown): Promise<void> {
  const output: AgentScaleOutput = {
    kind: 'agent-scale',
    at: new Date().toISOString(),
    machine: machineInfo(),
    engines: s.system.engines,
    args: { ...s.args },
    results: { load: load(), ...s.results },
    ...(error === undefined ? {} : { error: error instanceof Error ? error.message : String(error) }),
    series: s.series,
  };
  await writeScaleOutput(s.args.out!, output);
  say(`wrote results and series to ${s.args.out}`);
}

/** The planned first-connection split (and, with --kill-gateway, what the survivors should end up holding). */
function planLine(args: ScaleArgs): string {
  const split = firstConnectionSplit(args.agents, args.gateways, args.victimAgents);
  const within = args.clients > 1 ? ` (each of the ${args.clients} load generators splits its agents in this ratio, within one agent per gateway)` : '';
  let line = `planned first connections: ${split.map((n, i) => `gw${i}${args.killGateway && i === 0 ? ' (victim)' : ''} ${n}`).join(', ')}${within}`;
  if (args.killGateway && args.gateways > 1) {
    const after = split.slice(1).map((n) => Math.round(n + split[0]! / (args.gateways - 1)));
    line += `\nafter the kill, reconnections spread at random over the survivors: about ${after.join(', ')}`;
  }
  return line;
}

async function benchmark(args: ScaleArgs, cleanup: CleanupStack): Promise<void> {
  const on = args.embedded ? 'one all-in-one process, embedded engines' : `${args.gateways} gateway(s), real engines`;
  say(`agent-scale benchmark: ${args.agents} WebSocket agents, ${args.clients} load generator(s), ${on}`);
  const m = machineInfo();
  say(`machine: ${m.cores} cores (${m.model}), ${m.memGiB} GiB, node ${m.node}, load ${load()}`);
  if (!args.embedded) say(planLine(args));
  const s = await startStack(args, cleanup);
  let error: unknown;
  try {
    await rampPhase(s);
    if (args.steadyS > 0) await steadyPhase(s);
    const hash = args.fanout ? await fanoutPhase(s) : undefined;
    if (args.killGateway) await killPhase(s, hash);
    say(`\nloadgen totals: ${JSON.stringify(s.fleet.total())}`);
    say(`RESULT ${JSON.stringify({ args, load: load(), ...s.results })}`);
  } catch (err) {
    error = err;
  }
  await s.rampSampler.stop();
  await s.fleet.stop();
  if (args.cpuProfDir !== undefined) await writeProfiles(s);
  if (args.out !== undefined) await writeOut(s, error);
  if (error !== undefined) throw error;
}

async function main(): Promise<void> {
  let args: ScaleArgs | 'help';
  try {
    // npm runs scripts from the repository root; paths on the command line are the caller's.
    args = parseScaleArgs(process.argv.slice(2), process.env['INIT_CWD'] ?? process.cwd());
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${SCALE_USAGE}\n`);
    process.exit(2);
  }
  if (args === 'help') return say(SCALE_USAGE);
  const cleanup = new CleanupStack();
  const removed = args.embedded ? 'process stopped, data directory removed' : 'processes stopped, schema dropped, streams and keys deleted';
  const stopper = new RunStopper({
    cleanup,
    report(failures) {
      failures.forEach((f) => process.stderr.write(`cleanup: ${f}\n`));
      say(failures.length === 0 ? `cleaned up: ${removed}, and verified that nothing is left` : 'cleanup incomplete (see the cleanup lines on stderr)');
    },
  });
  stopper.install(args.timeoutS * 1000);
  let failed = false;
  try {
    await benchmark(args, cleanup);
  } catch (err) {
    failed = true;
    // After a stop request the run's processes are removed under it: its error is a consequence.
    const what = stopper.stopCode === undefined ? (err instanceof Error ? (err.stack ?? err.message) : String(err)) : `stopped (${err instanceof Error ? err.message : String(err)})`;
    process.stderr.write(`agent-scale failed: ${what}\n`);
  }
  await stopper.finish(failed ? 1 : 0);
}

await main();
