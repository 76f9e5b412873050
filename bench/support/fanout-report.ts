import type { RunResult, Scenario } from './fanout-run.js';

const ms = (value: number): string => `${Math.round(value)} ms`;

/** One line per run. */
export function formatRun(label: string, run: RunResult): string {
  const perPush = run.statements / run.pushes;
  return (
    `  ${label.padEnd(7)} ${ms(run.totalMs).padStart(8)}  (API ${ms(run.apiMs)}, first push ${ms(run.firstPushMs)}, ` +
    `fan-out end ${ms(run.fanoutEndMs)})  ${run.pushes} pushes in ${run.batches} batches, ` +
    `${Math.round(run.pushes / (run.totalMs / 1000))} agents/s, ${run.statements} statements (${perPush.toFixed(4)}/push), ` +
    `${run.transactions} transaction(s)`
  );
}

/** The value at rank ceil(p * n) of the sorted values (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number;
}

/** Aggregates of the measured runs of one scenario. */
export interface ScenarioSummary {
  readonly scenario: Scenario;
  readonly runs: number;
  readonly p50Ms: number;
  readonly maxMs: number;
  readonly coldMs: number;
  readonly agentsPerSecond: number;
  readonly statementsPerPush: number;
}

/** p50/max over the measured runs, agents/s at the p50, and the median run's statements per push. */
export function summarize(scenario: Scenario, cold: RunResult, runs: readonly RunResult[]): ScenarioSummary {
  const totals = runs.map((run) => run.totalMs);
  const p50Ms = percentile(totals, 0.5);
  return Object.freeze({
    scenario,
    runs: runs.length,
    p50Ms,
    maxMs: Math.max(...totals),
    coldMs: cold.totalMs,
    agentsPerSecond: scenario.expected / (p50Ms / 1000),
    statementsPerPush: percentile(
      runs.map((run) => run.statements / run.pushes),
      0.5,
    ),
  });
}

/**
 * Where the time of `run` went: store statements by kind and owner lookups (summed wall time;
 * the rest of the window is the service's own CPU work and the bus: encoding, signing, sending).
 */
export function formatBreakdown(run: RunResult): string[] {
  const lines = run.byKind.map(
    (kind) => `    ${kind.kind.padEnd(42)} ${String(kind.count).padStart(6)} x  ${ms(kind.totalMs).padStart(8)}  (${(kind.totalMs / kind.count).toFixed(1)} ms each)`,
  );
  const owners = run.ownerLookups;
  lines.push(`    ${'owner lookups (ownership.owners)'.padEnd(42)} ${String(owners.calls).padStart(6)} x  ${ms(owners.totalMs).padStart(8)}  (${owners.uids} uids)`);
  const accounted = run.byKind.reduce((sum, kind) => sum + kind.totalMs, 0) + owners.totalMs;
  lines.push(`    ${'everything else (encode, sign, send, bus)'.padEnd(42)} ${''.padStart(8)}   ${ms(Math.max(0, run.fanoutEndMs - accounted)).padStart(8)}`);
  return lines;
}

/** A Markdown table row for docs/benchmarks.md. */
export function markdownRow(mode: string, agents: number, summary: ScenarioSummary): string {
  const s = summary;
  return (
    `| ${mode} | ${s.scenario.name} | ${agents} | ${s.scenario.expected} | ${s.runs} | ${ms(s.p50Ms)} | ${ms(s.maxMs)} | ` +
    `${ms(s.coldMs)} | ${Math.round(s.agentsPerSecond)} | ${s.statementsPerPush.toFixed(4)} |`
  );
}

/** The header matching {@link markdownRow}. */
export const MARKDOWN_HEADER = [
  '| engines | selector | agents | pushes | runs | p50 | max | cold (1st) | agents/s (p50) | statements/push |',
  '|---|---|---|---|---|---|---|---|---|---|',
];
