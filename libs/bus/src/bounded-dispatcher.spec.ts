import { describe, expect, it } from 'vitest';
import { BoundedDispatcher } from './bounded-dispatcher.js';

function setup(maxInFlight: number, maxPending: number) {
  const started: number[] = [];
  const releases = new Map<number, () => void>();
  const dropped: number[] = [];
  const failed: number[] = [];
  const dispatcher = new BoundedDispatcher<number>({
    maxInFlight,
    maxPending,
    handle: (n) =>
      new Promise<void>((resolve, reject) => {
        started.push(n);
        releases.set(n, () => (n < 0 ? reject(new Error('neg')) : resolve()));
      }),
    onError: (_err, n) => failed.push(n),
    onDrop: (n) => dropped.push(n),
  });
  const release = async (n: number) => {
    releases.get(n)!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { dispatcher, started, dropped, failed, release };
}

describe('BoundedDispatcher', () => {
  it('keeps order with one handler at a time and drops beyond maxPending', async () => {
    const t = setup(1, 2);
    expect([1, 2, 3, 4].map((n) => t.dispatcher.push(n))).toEqual([true, true, true, false]);
    expect(t.started).toEqual([1]);
    expect(t.dropped).toEqual([4]);
    await t.release(1);
    await t.release(2);
    expect(t.started).toEqual([1, 2, 3]);
  });

  it('keeps order and its bound through thousands of waiting items', async () => {
    const handled: number[] = [];
    const dropped: number[] = [];
    let unblock: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (unblock = resolve));
    const dispatcher = new BoundedDispatcher<number>({
      maxInFlight: 1,
      maxPending: 5000,
      handle: async (n) => {
        if (n === 0) await gate;
        handled.push(n);
      },
      onError: () => undefined,
      onDrop: (n) => dropped.push(n),
    });
    for (let n = 0; n <= 5001; n += 1) dispatcher.push(n);
    expect(dropped).toEqual([5001]);
    unblock();
    await expect.poll(() => handled.length).toBe(5001);
    expect(handled).toEqual(Array.from({ length: 5001 }, (_, n) => n));
    // The queue emptied: the bound counts waiting items, not the ones handled before.
    for (let n = 0; n < 5000; n += 1) dispatcher.push(-1);
    expect(dropped).toEqual([5001]);
    await dispatcher.drain();
  });

  it('reports handler failures and keeps going; drain waits for queued items', async () => {
    const t = setup(2, 10);
    [-1, 2, 3].forEach((n) => t.dispatcher.push(n));
    let drained = false;
    void t.dispatcher.drain().then(() => (drained = true));
    expect(t.dispatcher.push(99)).toBe(false);
    await t.release(-1);
    expect(t.failed).toEqual([-1]);
    await t.release(2);
    expect(drained).toBe(false);
    await t.release(3);
    expect(drained).toBe(true);
    expect(t.started).toEqual([-1, 2, 3]);
  });
});
