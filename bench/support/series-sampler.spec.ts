import { describe, expect, it } from 'vitest';
import { startSampler } from './series-sampler.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('startSampler', () => {
  it('samples at once, then once per period without overlapping, and once more on stop', async () => {
    let running = 0;
    let overlapped = false;
    const starts: number[] = [];
    const sampler = startSampler(
      async (t) => {
        overlapped ||= running > 0;
        starts.push(performance.now());
        running += 1;
        await sleep(30); // slower than the period: the next call must wait for it, not pile up
        running -= 1;
        return t;
      },
      20,
    );
    await sleep(110);
    const samples = await sampler.stop();
    expect(overlapped).toBe(false);
    expect(samples.length).toBeGreaterThanOrEqual(2);
    expect(samples.length).toBe(starts.length);
    // Timers may fire up to a millisecond early.
    starts.slice(1).forEach((at, i) => expect(at - starts[i]!).toBeGreaterThanOrEqual(29));
    expect(samples[0]).toBe(0);
    expect([...samples].sort((a, b) => a - b)).toEqual(samples);
    expect(await sampler.stop()).toBe(samples);
  });

  it('skips a sample that throws and keeps going', async () => {
    let calls = 0;
    const sampler = startSampler(() => {
      calls += 1;
      if (calls === 1) throw new Error('store busy');
      return calls;
    }, 10);
    await sleep(50);
    const samples = await sampler.stop();
    expect(samples[0]).toBe(2);
    expect(samples.length).toBe(calls - 1);
  });
});
