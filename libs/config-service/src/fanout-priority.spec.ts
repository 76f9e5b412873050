import { describe, expect, it, vi } from 'vitest';
import { FanoutPriority } from './fanout-priority.js';

describe('FanoutPriority', () => {
  it('lets events through at once when no fan-out runs', async () => {
    const priority = new FanoutPriority(10_000);
    let passed = false;
    void priority.yield().then(() => (passed = true));
    await Promise.resolve();
    expect(passed).toBe(true);
  });

  it('holds events until every running fan-out ended', async () => {
    const priority = new FanoutPriority(10_000);
    const endA = priority.begin();
    const endB = priority.begin();
    let passed = false;
    void priority.yield().then(() => (passed = true));
    endA();
    endA();
    await Promise.resolve();
    expect(passed).toBe(false);
    expect(priority.active).toBe(true);
    endB();
    await Promise.resolve();
    expect(passed).toBe(true);
    expect(priority.active).toBe(false);
  });

  it('holds an event no longer than maxWaitMs, and never with 0', async () => {
    vi.useFakeTimers();
    try {
      const priority = new FanoutPriority(500);
      priority.begin();
      let passed = false;
      void priority.yield().then(() => (passed = true));
      await vi.advanceTimersByTimeAsync(499);
      expect(passed).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(passed).toBe(true);

      const never = new FanoutPriority(0);
      never.begin();
      let through = false;
      void never.yield().then(() => (through = true));
      await Promise.resolve();
      expect(through).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
