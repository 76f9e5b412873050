import { describe, expect, it } from 'vitest';
import type { HttpHeartbeatsOutput, Labeled } from './plot-input.js';
import { fanoutSpec, httpHeartbeatsSpec, killSpec, rampSpec } from './plot-specs.js';
import { renderSvg } from './render-svg.js';
import type { AgentScaleOutput } from './scale-output.js';

const run = (label: string, agents: number): Labeled<AgentScaleOutput> => ({
  label,
  file: `/data/${label}.json`,
  data: {
    kind: 'agent-scale',
    at: '2026-01-01T00:00:00.000Z',
    machine: { cores: 2, model: 'Test CPU', node: 'v20.0.0', memGiB: 24 },
    args: { agents },
    results: { fanout: { agentLatencyMs: { p50: 400, p99: 900, max: 1000 }, storeAppliedMs: 2300 }, killGateway: { held: agents / 2, reconnectedMs: 1900, convergedMs: 2900 } },
    series: {
      ramp: [
        { t: 0, connected: 0, gatewayRssMiB: [100, 110] },
        { t: 1, connected: agents, gatewayRssMiB: [120, null] },
      ],
      fanout: { latenciesMs: [100, 400, 900, 1000], storeApplied: [{ t: 1, applied: agents / 2 }, { t: 2.3, applied: agents }] },
      kill: [{ t: 0, connected: agents, storeOnlineOnSurvivors: agents / 2 }],
    },
  },
});

type Values = Record<string, unknown>[];
const valuesOf = (spec: unknown): Values => (spec as { data: { values: Values } }).data.values;

describe('benchmark chart specs', () => {
  it('plots the fan-out as the share of agents APPLIED over time, at the agents and in the store', () => {
    const values = valuesOf(fanoutSpec([run('a', 1000)]));
    const atAgents = values.filter((v) => v['where'] === 'at the agents (load generators)');
    expect(atAgents.map((v) => [v['t'], v['pct']])).toEqual([[0, 0], [0.1, 25], [0.4, 50], [0.9, 75], [1, 100]]);
    expect(values.filter((v) => v['where'] === 'in the store (sampled about once a second)').map((v) => [v['t'], v['pct']])).toEqual([[1, 50], [2.3, 100]]);
  });

  it('sums gateway memory (a dead gateway counts 0) and tells runs apart by dash only when there are several', () => {
    expect(valuesOf(rampSpec([run('a', 10)])).map((v) => v['rssMiB'])).toEqual([210, 120]);
    expect(JSON.stringify(killSpec([run('a', 10)]))).not.toContain('strokeDash');
    expect((killSpec([run('a', 10), run('b', 20)]) as { encoding: Record<string, unknown> }).encoding['strokeDash']).toBeDefined();
  });

  it('draws one HTTP line per run and round when a file holds several rounds, one per run otherwise', () => {
    const step = (server: 'shepherd' | 'mock', round: number | undefined, rate: number) => ({ server, ...(round === undefined ? {} : { round }), rate, achieved: rate, p50: 2, p99: 5, skipped: 0, sent: 1000, errors: 0, pass: true });
    const file = (label: string, steps: ReturnType<typeof step>[]): Labeled<HttpHeartbeatsOutput> => ({ label, file: `/data/${label}.json`, data: { kind: 'http-heartbeats', agents: 8000, stepS: 12, ratio: 1, steps } });
    type Line = { data: { values: { run: string }[] }; encoding: Record<string, unknown> };
    const line = (spec: unknown): Line => (spec as { layer: Line[] }).layer[0]!;
    const runsOf = (spec: unknown): string[] => [...new Set(line(spec).data.values.map((v) => v.run))];
    const rounds = httpHeartbeatsSpec([file('8k', [step('shepherd', 1, 5000), step('mock', 1, 5000), step('shepherd', 2, 5000), step('mock', 2, 5000)])]);
    expect(runsOf(rounds)).toEqual(['8k round 1', '8k round 2']);
    expect(line(rounds).encoding['strokeDash']).toBeDefined();
    const single = httpHeartbeatsSpec([file('old', [step('shepherd', undefined, 5000), step('mock', undefined, 5000)])]);
    expect(runsOf(single)).toEqual(['old']);
    expect(line(single).encoding['strokeDash']).toBeUndefined();
  });

  it('renders every chart to SVG with its title and axis titles', async () => {
    const http: Labeled<HttpHeartbeatsOutput> = {
      label: '2,000 agents',
      file: '/data/h.json',
      data: { kind: 'http-heartbeats', agents: 2000, stepS: 15, ratio: 1.4, steps: [{ server: 'shepherd', rate: 500, achieved: 499, p50: 2, p99: 0, skipped: 0, sent: 7000, errors: 0, pass: true }] },
    };
    const svgs = await Promise.all([rampSpec([run('a', 10)]), fanoutSpec([run('a', 10)]), killSpec([run('a', 10)]), httpHeartbeatsSpec([http])].map(renderSvg));
    expect(svgs[0]).toContain('Ramp: WebSocket agents connected over time');
    expect(svgs[1]).toContain('agents APPLIED (%)');
    expect(svgs[2]).toContain('time since kill -9 (s)');
    expect(svgs[3]).toContain('p99 limit 100 ms');
    for (const svg of svgs) expect(svg).toMatch(/^<svg [^>]*width="\d+"/);
  });
});
