import { describe, expect, it } from 'vitest';
import { downsampleSorted, percentilesOfSorted } from './sorted-sample.js';

const ascending = (n: number, f: (i: number) => number = (i) => i + 1): number[] => Array.from({ length: n }, (_, i) => f(i)).sort((a, b) => a - b);

describe('percentilesOfSorted', () => {
  it('uses nearest rank', () => {
    expect(percentilesOfSorted(ascending(200))).toEqual({ p50: 100, p95: 190, p99: 198, max: 200 });
    expect(percentilesOfSorted([7])).toEqual({ p50: 7, p95: 7, p99: 7, max: 7 });
    expect(percentilesOfSorted([])).toEqual({ p50: 0, p95: 0, p99: 0, max: 0 });
  });
});

describe('downsampleSorted', () => {
  it('keeps a small sample whole', () => {
    expect(downsampleSorted([1, 2, 3], 1000)).toEqual([1, 2, 3]);
  });

  it.each([1_001, 20_000, 123_457, 99_999])('keeps p99 and the maximum of %i values exact and stays sorted', (n) => {
    // Uneven values so an off-by-one rank would show.
    const sorted = ascending(n, (i) => Math.round(1000 * Math.sqrt(i) + (i % 7)));
    const points = downsampleSorted(sorted, 1000);
    const exact = percentilesOfSorted(sorted);
    expect(points).toHaveLength(1000);
    expect(points[989]).toBe(exact.p99);
    expect(points.at(-1)).toBe(exact.max);
    expect(points[499]).toBe(exact.p50);
    expect(points.every((v, i) => i === 0 || v >= points[i - 1]!)).toBe(true);
  });

  it('refuses a bad point budget', () => {
    expect(() => downsampleSorted([1], 0)).toThrow(RangeError);
  });
});
