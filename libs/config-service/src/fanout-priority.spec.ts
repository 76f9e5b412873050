import { describe, expect, it } from 'vitest';
import { FanoutPriority } from './fanout-priority.js';

/** Admits `n` events one after another, recording which got through; returns their releases once admitted. */
function admitMany(priority: FanoutPriority, n: number) {
  const admitted: number[] = [];
  const releases = new Map<number, () => void>();
  for (let i = 0; i < n; i += 1) {
    void priority.admit().then((release) => {
      admitted.push(i);
      releases.set(i, release);
    });
  }
  return { admitted, release: (i: number) => releases.get(i)!() };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('FanoutPriority', () => {
  it('admits every event at once when no fan-out runs', async () => {
    const events = admitMany(new FanoutPriority(2), 5);
    await settle();
    expect(events.admitted).toEqual([0, 1, 2, 3, 4]);
  });

  it('admits only `concurrency` events at once while a fan-out runs, the next as one is done', async () => {
    const priority = new FanoutPriority(2);
    const end = priority.begin();
    const events = admitMany(priority, 4);
    await settle();
    expect(events.admitted).toEqual([0, 1]);
    events.release(0);
    events.release(0);
    await settle();
    expect(events.admitted).toEqual([0, 1, 2]);
    end();
    await settle();
    expect(events.admitted).toEqual([0, 1, 2, 3]);
    expect(priority.active).toBe(false);
  });

  it('keeps the limit until every running fan-out ended, and forgets places taken during the last one', async () => {
    const priority = new FanoutPriority(1);
    const endA = priority.begin();
    const endB = priority.begin();
    const first = admitMany(priority, 2);
    endA();
    endA();
    await settle();
    expect(first.admitted).toEqual([0]);
    expect(priority.active).toBe(true);
    endB();
    await settle();
    expect(first.admitted).toEqual([0, 1]);
    // A place released after its fan-out ended does not free one in the next fan-out.
    const endC = priority.begin();
    const second = admitMany(priority, 2);
    first.release(0);
    await settle();
    expect(second.admitted).toEqual([0]);
    endC();
  });

  it('refuses a concurrency below 1', () => {
    expect(() => new FanoutPriority(0)).toThrow(RangeError);
  });
});
