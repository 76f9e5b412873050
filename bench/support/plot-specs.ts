/**
 * Vega-Lite specs of the benchmark charts in docs/benchmarks.md, built from result files
 * (plot-input.ts). Pure: rendering is plot-benchmarks.ts's job.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { HttpHeartbeatsOutput, Labeled } from './plot-input.js';
import type { AgentScaleOutput, MachineInfo } from './scale-output.js';

const WIDTH = 560;
const HEIGHT = 260;
/** HTTP heartbeats pass while p99 stays below this (issue 6e). */
export const P99_LIMIT_MS = 100;

const CONFIG = {
  // Laid out with Helvetica's metrics (text-width.ts); Arial has the same widths.
  font: 'Helvetica, Arial, sans-serif',
  background: 'white',
  title: { fontSize: 15, anchor: 'start', subtitleFontSize: 11, subtitleColor: '#555', offset: 12 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom', direction: 'horizontal', labelLimit: 320, columnPadding: 18 },
  view: { stroke: null },
  line: { strokeWidth: 2 },
} as const;

type Scale = Labeled<AgentScaleOutput>;

const machineLine = (m: MachineInfo | undefined): string => (m === undefined ? '' : `${m.cores} cores (${m.model}), ${m.memGiB} GiB, node ${m.node}`);
const secs = (ms: unknown): string => (typeof ms === 'number' ? `${(ms / 1000).toFixed(1)} s` : '?');
/** A stroke dash per run only when there is more than one (color already tells the series apart). */
const runDash = (runs: number) => (runs > 1 ? { strokeDash: { field: 'run', type: 'nominal', title: 'run' } as const } : {});
const result = (r: Scale, key: string): Record<string, unknown> => (r.data.results[key] ?? {}) as Record<string, unknown>;

/** (i) Connected agents and gateway memory over the ramp, one line per run. */
export function rampSpec(runs: readonly Scale[]): TopLevelSpec {
  const values = runs.flatMap((r) => r.data.series.ramp.map((p) => ({ run: r.label, t: p.t, connected: p.connected, rssMiB: p.gatewayRssMiB.reduce<number>((a, v) => a + (v ?? 0), 0) })));
  const x = { field: 't', type: 'quantitative', title: 'time since the load generators started (s)' } as const;
  const color = { field: 'run', type: 'nominal', title: 'run' } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: {
      text: 'Ramp: WebSocket agents connected over time',
      subtitle: [...runs.map((r) => `${r.label}: all connected after ${secs(result(r, 'ramp')['connectedMs'])}, store lists all online ${secs(result(r, 'ramp')['inventoryLagMs'])} later`), machineLine(runs[0]?.data.machine)],
    },
    data: { values },
    vconcat: [
      { width: WIDTH, height: HEIGHT, mark: 'line', encoding: { x, y: { field: 'connected', type: 'quantitative', title: 'agents connected (load generators)' }, color } },
      { width: WIDTH, height: HEIGHT * 0.6, mark: 'line', encoding: { x, y: { field: 'rssMiB', type: 'quantitative', title: 'gateway RSS, all gateways (MiB)' }, color } },
    ],
  };
}

const AT_AGENTS = 'at the agents (load generators)';
const IN_STORE = 'in the store (sampled about once a second)';

/** (ii) Share of agents APPLIED over time: at the agents (the latency CDF) and in the store. */
export function fanoutSpec(runs: readonly Scale[]): TopLevelSpec {
  const withFanout = runs.filter((r) => r.data.series.fanout !== undefined);
  const values = withFanout.flatMap((r) => {
    const f = r.data.series.fanout!;
    const agents = r.data.args['agents'] as number;
    const atAgents = [{ t: 0, pct: 0 }, ...f.latenciesMs.map((ms, i) => ({ t: ms / 1000, pct: (100 * (i + 1)) / f.latenciesMs.length }))];
    return [
      ...atAgents.map((p) => ({ run: r.label, where: AT_AGENTS, ...p })),
      ...f.storeApplied.map((p) => ({ run: r.label, where: IN_STORE, t: p.t, pct: (100 * p.applied) / agents })),
    ];
  });
  const subtitle = withFanout.map((r) => {
    const f = result(r, 'fanout');
    const lat = (f['agentLatencyMs'] ?? {}) as Record<string, number>;
    return `${r.label}: p50 ${secs(lat['p50'])}, p99 ${secs(lat['p99'])}, max ${secs(lat['max'])} at the agents; all APPLIED in the store after ${secs(f['storeAppliedMs'])}`;
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: { text: 'Config fan-out: agents reporting APPLIED over time', subtitle: [...subtitle, machineLine(withFanout[0]?.data.machine)] },
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time since the config was posted (s)' },
      y: { field: 'pct', type: 'quantitative', title: 'agents APPLIED (%)', scale: { domain: [0, 100] } },
      color: { field: 'where', type: 'nominal', title: 'APPLIED' },
      ...runDash(withFanout.length),
    },
    layer: [
      // Every agent's report is known: a step per report. The store is sampled about once a second:
      // points joined by straight lines, not steps that would claim nothing changed in between.
      { transform: [{ filter: { field: 'where', equal: AT_AGENTS } }], mark: { type: 'line', interpolate: 'step-after' } },
      { transform: [{ filter: { field: 'where', equal: IN_STORE } }], mark: { type: 'line', point: { size: 18 } } },
    ],
  };
}

/** (iii) After kill -9 of one gateway: agents connected and online on the surviving gateways. */
export function killSpec(runs: readonly Scale[]): TopLevelSpec {
  const withKill = runs.filter((r) => r.data.series.kill !== undefined);
  const values = withKill.flatMap((r) =>
    r.data.series.kill!.flatMap((p) => [
      { run: r.label, series: 'connected (load generators)', t: p.t, agents: p.connected },
      { run: r.label, series: 'online on surviving gateways (store)', t: p.t, agents: p.storeOnlineOnSurvivors },
    ]),
  );
  const subtitle = withKill.map((r) => {
    const k = result(r, 'killGateway');
    return `${r.label}: the killed gateway held ${String(k['held'] ?? '?')}; all reconnected after ${secs(k['reconnectedMs'])}, store converged after ${secs(k['convergedMs'])}`;
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: { text: 'Gateway kill -9: reconnection and store convergence', subtitle: [...subtitle, machineLine(withKill[0]?.data.machine)] },
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', point: { size: 18 } },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time since kill -9 (s)' },
      y: { field: 'agents', type: 'quantitative', title: 'agents' },
      color: { field: 'series', type: 'nominal', title: null },
      ...runDash(withKill.length),
    },
  };
}

/** (iv) p99 poll latency against the achieved poll rate, per server, with the 100 ms limit. */
export function httpHeartbeatsSpec(runs: readonly Labeled<HttpHeartbeatsOutput>[]): TopLevelSpec {
  const serverName = { shepherd: 'Shepherd gateway', mock: '@elastic/mockopampserver' } as const;
  // One line per run and round: a file of several rounds sweeps each rate once per round.
  const runOf = (r: Labeled<HttpHeartbeatsOutput>, round: number | undefined): string => (r.data.steps.some((s) => (s.round ?? 1) > 1) ? `${r.label} round ${round ?? 1}` : r.label);
  const values = runs.flatMap((r) =>
    // A log axis cannot show 0 ms; such a step is below any resolution that matters here.
    r.data.steps.map((s) => ({ run: runOf(r, s.round), server: serverName[s.server] ?? s.server, achieved: s.achieved, p99: Math.max(s.p99, 0.1), result: s.pass ? 'pass' : 'fail' })),
  );
  const lines = new Set(values.map((v) => v.run)).size;
  const subtitle = runs.map((r) => `${r.label}, ${r.data.stepS} s per step: Shepherd / mock best passing rate = ${r.data.ratio ?? 'n/a'}`);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: { text: 'HTTP heartbeats: p99 poll latency vs achieved poll rate', subtitle: [...subtitle, 'a step passes with p99 < 100 ms, < 1 in 10 000 polls failed and < 1 % skipped'] },
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: { size: 50, filled: true } },
        encoding: {
          x: { field: 'achieved', type: 'quantitative', title: 'achieved polls per second' },
          y: { field: 'p99', type: 'quantitative', title: 'p99 poll latency (ms, log scale)', scale: { type: 'log' } },
          color: { field: 'server', type: 'nominal', title: 'server' },
          shape: { field: 'result', type: 'nominal', title: 'step', scale: { domain: ['pass', 'fail'], range: ['circle', 'cross'] } },
          ...runDash(lines),
        },
      },
      {
        data: { values: [{ y: P99_LIMIT_MS }] },
        layer: [
          { mark: { type: 'rule', strokeDash: [6, 4], color: '#b00' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
          { mark: { type: 'text', align: 'left', dx: 4, dy: -7, color: '#b00', fontSize: 11 }, encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: 0 }, text: { value: `p99 limit ${P99_LIMIT_MS} ms` } } },
        ],
      },
    ],
  };
}
