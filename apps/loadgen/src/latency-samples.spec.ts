import { describe, expect, it } from 'vitest';
import { LatencySamples, percentilesOf } from './latency-samples.js';

describe('percentilesOf', () => {
  it('gives nearest-rank percentiles without changing its input', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentilesOf(values)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
    expect(values[0]).toBe(100);
    expect(percentilesOf([])).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  });
});

describe('LatencySamples', () => {
  it('keeps at most its capacity but counts every sample, and resets', () => {
    const samples = new LatencySamples(1_000);
    for (let i = 0; i < 10_000; i += 1) samples.add(i % 100);
    const p = samples.percentiles();
    expect(p.count).toBe(10_000);
    expect(p.max).toBeLessThan(100);
    expect(p.p50).toBeGreaterThan(35);
    expect(p.p50).toBeLessThan(65);
    samples.reset();
    expect(samples.percentiles().count).toBe(0);
  });
});
