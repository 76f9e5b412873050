import { describe, expect, it } from 'vitest';
import { apportion, firstUrlSpread, reconnectUrl } from './url-choice.js';

const countsOf = (urls: ArrayLike<number>, n: number): number[] => {
  const counts = Array.from({ length: n }, () => 0);
  for (let i = 0; i < urls.length; i += 1) counts[urls[i]!]! += 1;
  return counts;
};

describe('reconnectUrl', () => {
  it('never picks the endpoint that just failed while there are others, and spreads uniformly over them', () => {
    const draws = 40_000;
    const counts = countsOf(Array.from({ length: draws }, () => reconnectUrl(5, 2, Math.random)), 5);
    expect(counts[2]).toBe(0);
    // 10 000 expected per endpoint, standard deviation about 87.
    for (const url of [0, 1, 3, 4]) {
      expect(counts[url]).toBeGreaterThan(9_500);
      expect(counts[url]).toBeLessThan(10_500);
    }
  });

  it('maps the whole random range onto the other endpoints, the edges included', () => {
    expect(reconnectUrl(3, 0, () => 0)).toBe(1);
    expect(reconnectUrl(3, 0, () => 0.999_999_999)).toBe(2);
    expect(reconnectUrl(3, 2, () => 0.999_999_999)).toBe(1);
    expect(reconnectUrl(3, 1, () => 0.5)).toBe(2);
    expect(reconnectUrl(2, 1, () => 0.7)).toBe(0);
    expect(reconnectUrl(2, 0, () => 0.2)).toBe(1);
  });

  it('stays on the only endpoint there is', () => {
    expect(reconnectUrl(1, 0, () => 0.9)).toBe(0);
  });
});

describe('apportion', () => {
  it.each([
    [400, [2, 1, 1], [200, 100, 100]],
    [10, [1, 1, 1], [4, 3, 3]],
    [7, [3, 1], [5, 2]],
    [19_000, [19_500, 10_167, 10_167, 10_166], [7_410, 3_864, 3_863, 3_863]],
  ])('splits %d in the ratio %j', (total, weights, expected) => {
    const counts = apportion(total, weights);
    expect(counts).toEqual(expected);
    const sum = weights.reduce((a, b) => a + b, 0);
    counts.forEach((c, i) => expect(Math.abs(c - (total * weights[i]!) / sum)).toBeLessThan(1));
  });
});

describe('firstUrlSpread', () => {
  it('gives each endpoint its weighted share, within one agent', () => {
    for (const [agents, weights] of [
      [400, [2, 1, 1]],
      [1_001, [5, 3, 1, 1]],
      [97, [1, 1, 1]],
      [19_000, [19_500, 10_167, 10_167, 10_166]],
    ] as const) {
      const counts = countsOf(firstUrlSpread(agents, weights), weights.length);
      const sum = weights.reduce((a, b) => a + b, 0);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(agents);
      counts.forEach((c, i) => expect(Math.abs(c - (agents * weights[i]!) / sum)).toBeLessThan(1));
    }
  });

  it('interleaves the endpoints, so every stretch of a ramp in index order keeps the ratio', () => {
    const spread = firstUrlSpread(400, [2, 1, 1]);
    expect([...spread.subarray(0, 8)]).toEqual([0, 1, 2, 0, 0, 1, 2, 0]);
    for (let start = 0; start + 40 <= 400; start += 40) {
      const counts = countsOf(spread.subarray(start, start + 40), 3);
      expect(counts[0]).toBeGreaterThanOrEqual(19);
      expect(counts[0]).toBeLessThanOrEqual(21);
    }
  });

  it('is position mod n for equal weights', () => {
    expect([...firstUrlSpread(9, [1, 1, 1])]).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
  });
});
