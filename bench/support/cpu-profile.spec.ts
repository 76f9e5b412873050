import { describe, expect, it } from 'vitest';
import { formatSummary, shortLocation, sliceProfile, summarizeProfile, type CpuProfile } from './cpu-profile.js';

const ROOT = '/repo';
const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0 });

// root ─┬─ (idle)
//       ├─ handle (repo) ─┬─ parse (ws) ── parse (ws, recursive call)
//       │                 └─ (garbage collector)
//       └─ parse (ws) called from elsewhere
const PROFILE: CpuProfile = {
  startTime: 0,
  endTime: 10_000,
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3, 7] },
    { id: 2, callFrame: frame('(idle)') },
    { id: 3, callFrame: frame('handle', 'file:///repo/apps/gateway/src/handler.ts', 9), children: [4, 6] },
    { id: 4, callFrame: frame('parse', 'file:///repo/node_modules/ws/lib/receiver.js', 99), children: [5] },
    { id: 5, callFrame: frame('parse', 'file:///repo/node_modules/ws/lib/receiver.js', 99) },
    { id: 6, callFrame: frame('(garbage collector)') },
    { id: 7, callFrame: frame('parse', 'file:///repo/node_modules/ws/lib/receiver.js', 99) },
  ],
  // Each sample lasts until the next (1 ms steps); the last one until endTime (10 ms total).
  samples: [2, 2, 2, 2, 3, 4, 5, 5, 6, 7],
  timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
};

describe('summarizeProfile', () => {
  const summary = summarizeProfile(PROFILE, ROOT);
  const fn = (name: string) => summary.functions.find((f) => f.name === name)!;

  it('merges call sites of one function and counts recursion once in its total', () => {
    expect(fn('parse')).toEqual({ name: 'parse', location: 'ws/lib/receiver.js:100', selfMs: 4, totalMs: 4 });
    expect(fn('handle')).toEqual({ name: 'handle', location: 'apps/gateway/src/handler.ts:10', selfMs: 1, totalMs: 5 });
    expect(fn('(garbage collector)')).toMatchObject({ selfMs: 1, totalMs: 1, location: '' });
  });

  it('sets idle time apart and leaves (root) out', () => {
    expect(summary.durationMs).toBe(10);
    expect(summary.idleMs).toBe(4);
    expect(summary.functions.map((f) => f.name)).toEqual(['parse', 'handle', '(garbage collector)']);
  });

  it('falls back to hit counts when there are no samples', () => {
    const hitsOnly: CpuProfile = { ...PROFILE, samples: undefined, timeDeltas: undefined, nodes: PROFILE.nodes.map((n) => ({ ...n, hitCount: n.id === 3 ? 3 : n.id === 2 ? 1 : 0 })) };
    const s = summarizeProfile(hitsOnly, ROOT);
    expect(s.idleMs).toBe(2.5);
    expect(s.functions).toEqual([{ name: 'handle', location: 'apps/gateway/src/handler.ts:10', selfMs: 7.5, totalMs: 7.5 }]);
  });

  it('formats percentages of busy time, by self and by total', () => {
    const text = formatSummary(summary, 2);
    expect(text).toMatch(/^profile 0\.0 s, idle 0\.0 s, busy 0\.0 s/);
    const [bySelf, byTotal] = text.split('by total');
    expect(bySelf).toMatch(/4\s+66\.7%\s+4\s+66\.7%\s+parse {2}ws\/lib\/receiver\.js:100/);
    expect(bySelf).not.toContain('(garbage collector)');
    expect(byTotal!.split('\n')[2]).toMatch(/1\s+16\.7%\s+5\s+83\.3%\s+handle/);
  });
});

describe('shortLocation', () => {
  it('shortens scoped packages, repository paths and leaves the rest', () => {
    expect(shortLocation('file:///repo/node_modules/@fastify/ajv-compiler/index.js', ROOT)).toBe('@fastify/ajv-compiler/index.js');
    expect(shortLocation('file:///repo/libs/store/src/x.ts', ROOT)).toBe('libs/store/src/x.ts');
    expect(shortLocation('node:internal/streams/readable', ROOT)).toBe('node:internal/streams/readable');
    expect(shortLocation('', ROOT)).toBe('');
  });
});

describe('sliceProfile', () => {
  it('keeps the samples of a window and times them as before', () => {
    // Samples at 0..9 ms; [4, 8) keeps handle, parse, parse, parse (the one at 8 ms is out).
    const s = summarizeProfile(sliceProfile(PROFILE, 4, 8), ROOT);
    expect(s.durationMs).toBe(4);
    expect(s.idleMs).toBe(0);
    expect(s.functions.find((f) => f.name === 'parse')).toMatchObject({ selfMs: 3 });
    expect(s.functions.find((f) => f.name === 'handle')).toMatchObject({ selfMs: 1, totalMs: 4 });
  });

  it('counts a negative bound back from the end', () => {
    const s = summarizeProfile(sliceProfile(PROFILE, -2), ROOT);
    expect(s.durationMs).toBe(2);
    // The last 2 ms: the collector (called from handle) and parse at the top level.
    expect(s.functions.map((f) => [f.name, f.selfMs, f.totalMs])).toEqual([
      ['(garbage collector)', 1, 1],
      ['parse', 1, 1],
      ['handle', 0, 1],
    ]);
  });

  it('refuses a profile without samples', () => {
    expect(() => sliceProfile({ ...PROFILE, samples: undefined }, 0)).toThrow(/without samples/);
  });
});
