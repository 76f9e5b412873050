import { describe, expect, it } from 'vitest';
import { groupCpuPercent, type GroupSample } from './proc-stats.js';

const sample = (at: number, cpu: Record<number, number>): GroupSample => ({
  at,
  cpuSeconds: Object.values(cpu).reduce((a, b) => a + b, 0),
  rssBytes: 0,
  cpuByPid: new Map(Object.entries(cpu).map(([pid, s]) => [Number(pid), s])),
});

describe('groupCpuPercent', () => {
  it('counts each remaining process from the first sample, a new one whole, and never goes negative when a busy one exits', () => {
    // pid 1 used 2 s in 10 s, pid 3 started and used 1 s, pid 2 (10 s used before) exited.
    const before = sample(0, { 1: 5, 2: 10 });
    const after = sample(10_000, { 1: 7, 3: 1 });
    expect(groupCpuPercent(before, after)).toBeCloseTo(30);
  });
});
