import { describe, expect, it } from 'vitest';
import { median, roundOf, type Sweep } from './http-rounds.js';
import type { HttpHeartbeatStep } from './plot-input.js';

const step = (server: 'shepherd' | 'mock', rate: number, pass: boolean, cpuUsPerPoll: number | null): HttpHeartbeatStep => ({
  server,
  round: 1,
  rate,
  achieved: rate,
  p50: 3,
  p99: pass ? 20 : 300,
  skipped: 0,
  sent: rate * 12,
  errors: 0,
  pass,
  cpuUsPerPoll,
});

describe('median', () => {
  it('takes the middle of an odd count and the mean of the middle two of an even one, leaving nulls out', () => {
    expect(median([1.2, 0, 1.2])).toBe(1.2);
    expect(median([0.5, 1, 1, 1.5])).toBe(1);
    expect(median([3, null, 1])).toBe(2);
    expect(median([null])).toBeNull();
    expect(median([])).toBeNull();
  });
});

describe('roundOf', () => {
  it('compares the best passing rates and takes each server’s CPU per poll over its passing steps only', () => {
    const shepherd: Sweep = { steps: [step('shepherd', 5000, true, 101), step('shepherd', 6000, true, 105), step('shepherd', 7000, false, 91)], best: 6004, lowerBound: false };
    const mock: Sweep = { steps: [step('mock', 5000, true, 114), step('mock', 6000, false, 106)], best: 5002, lowerBound: false };
    const { summary, steps } = roundOf(2, shepherd, mock);
    expect(summary).toEqual({
      round: 2,
      shepherdPollsPerSecond: 6004,
      mockPollsPerSecond: 5002,
      ratio: 1.2,
      lowerBound: { shepherd: false, mock: false },
      cpuUsPerPoll: { shepherd: 103, mock: 114 },
    });
    expect(steps).toHaveLength(5);
  });

  it('has no ratio when the mock passed nothing, and 0 when Shepherd passed nothing', () => {
    const none: Sweep = { steps: [step('mock', 5000, false, 120)], best: 0, lowerBound: false };
    const some: Sweep = { steps: [step('shepherd', 5000, true, 100)], best: 5000, lowerBound: true };
    expect(roundOf(1, some, none).summary.ratio).toBeNull();
    expect(roundOf(1, { ...none, steps: [] }, some).summary).toMatchObject({ ratio: 0, cpuUsPerPoll: { shepherd: null, mock: 100 } });
  });
});
