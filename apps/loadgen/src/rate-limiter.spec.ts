import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('grants the rate over time whatever the tick period', () => {
    const limiter = new RateLimiter(500, 50, 0);
    let granted = 0;
    for (let t = 7; t <= 10_000; t += 7) granted += limiter.take(t, 1_000);
    expect(granted).toBeGreaterThanOrEqual(4_990);
    expect(granted).toBeLessThanOrEqual(5_000);
  });

  it('saves up at most the burst and never grants more than wanted', () => {
    const limiter = new RateLimiter(100, 20, 0);
    expect(limiter.take(60_000, 1_000)).toBe(20);
    expect(limiter.take(60_000, 1_000)).toBe(0);
    expect(limiter.take(60_100, 3)).toBe(3);
    expect(limiter.take(60_100, 100)).toBe(7);
  });

  it('refuses a non-positive rate or burst', () => {
    expect(() => new RateLimiter(0, 1, 0)).toThrow(RangeError);
    expect(() => new RateLimiter(1, 0, 0)).toThrow(RangeError);
  });
});
