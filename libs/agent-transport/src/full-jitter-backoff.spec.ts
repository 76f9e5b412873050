import { describe, expect, it } from 'vitest';
import { FullJitterBackoff } from './full-jitter-backoff.js';

describe('FullJitterBackoff', () => {
  it('draws each delay uniformly under a ceiling that doubles up to the cap', () => {
    const draws = [0.5, 0.5, 0.5, 0.5, 0.5, 0.999];
    const backoff = new FullJitterBackoff({ initialMs: 100, maxMs: 1_000 }, () => draws.shift()!);
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([50, 100, 200, 400, 500, 999]);
    expect(backoff.attempt).toBe(6);
  });

  it('can wait not at all (full jitter reaches 0) and never reaches the ceiling itself', () => {
    expect(new FullJitterBackoff({ initialMs: 100, maxMs: 100 }, () => 0).next()).toBe(0);
    const high = new FullJitterBackoff({ initialMs: 100, maxMs: 100 }, () => 0.9999999);
    expect(high.next()).toBeLessThan(100);
  });

  it('starts over after reset', () => {
    const backoff = new FullJitterBackoff({ initialMs: 10, maxMs: 80 }, () => 0.5);
    for (let i = 0; i < 5; i += 1) backoff.next();
    expect(backoff.ceilingMs()).toBe(80);
    backoff.reset();
    expect(backoff.ceilingMs()).toBe(10);
    expect(backoff.next()).toBe(5);
  });

  it('stays finite after very many attempts', () => {
    const backoff = new FullJitterBackoff({ initialMs: 1, maxMs: 60_000 }, () => 0.5);
    for (let i = 0; i < 5_000; i += 1) backoff.next();
    expect(backoff.next()).toBe(30_000);
  });

  it.each([
    [0, 10],
    [10, 5],
    [Number.NaN, 10],
    [10, Number.POSITIVE_INFINITY],
  ])('refuses bounds %s..%s', (initialMs, maxMs) => {
    expect(() => new FullJitterBackoff({ initialMs, maxMs })).toThrow(RangeError);
  });
});
