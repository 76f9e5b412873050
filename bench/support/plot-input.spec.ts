import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readPlotInput, ResultFileError } from './plot-input.js';
import { enginesOf } from './scale-output.js';

const scale = (agents: number) => ({ kind: 'agent-scale', args: { agents }, results: {}, series: { ramp: [] } });
let dir: string | undefined;
afterEach(() => (dir === undefined ? undefined : rm(dir, { recursive: true, force: true })));

async function dirWith(files: Record<string, unknown>): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'plot-input-'));
  for (const [name, body] of Object.entries(files)) await writeFile(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
  return dir;
}

describe('readPlotInput', () => {
  it('sorts files by kind, labels runs by size (with the file name only where labels clash) and reports what it skipped', async () => {
    const input = await readPlotInput(
      await dirWith({
        'a.json': scale(20000),
        'b.json': scale(20000),
        'c.json': scale(5000),
        'h.json': { kind: 'http-heartbeats', agents: 2000, stepS: 15, steps: [], ratio: null },
        'notes.txt': 'ignored',
        'other.json': { kind: 'config-fanout' },
        'broken.json': '{',
      }),
    );
    expect(input.agentScale.map((r) => r.label)).toEqual(['20,000 agents (a)', '20,000 agents (b)', '5,000 agents']);
    expect(input.httpHeartbeats.map((r) => r.label)).toEqual(['2,000 agents']);
    expect(input.skipped).toEqual([expect.stringMatching(/^broken\.json: not JSON/), 'other.json: kind "config-fanout" is not plotted']);
  });

  it('reads files written before engines was recorded as real-engine runs and labels embedded runs', async () => {
    const input = await readPlotInput(
      await dirWith({
        'old.json': scale(20000),
        'real.json': { ...scale(5000), engines: 'real' },
        'small.json': { ...scale(5000), engines: 'embedded' },
      }),
    );
    expect(input.agentScale.map((r) => r.label)).toEqual(['20,000 agents', '5,000 agents', '5,000 agents, embedded']);
    expect(input.agentScale.map((r) => enginesOf(r.data))).toEqual(['real', 'real', 'embedded']);
  });

  it('refuses an unknown engines value', async () => {
    const d = await dirWith({ 'x.json': { ...scale(1), engines: 'nats' } });
    await expect(readPlotInput(d)).rejects.toThrow(/x\.json: engines is "nats", not 'real' or 'embedded'/);
  });

  it('refuses a malformed file of a known kind, naming it', async () => {
    const d = await dirWith({ 'x.json': { kind: 'agent-scale', args: { agents: 1 }, series: {} } });
    await expect(readPlotInput(d)).rejects.toThrow(ResultFileError);
    await expect(readPlotInput(d)).rejects.toThrow(/x\.json: series\.ramp is missing/);
  });
});
