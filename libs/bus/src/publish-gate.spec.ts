import { describe, expect, it } from 'vitest';
import { PublishQueueFullError } from './errors.js';
import { PublishGate } from './publish-gate.js';

describe('PublishGate', () => {
  it('runs at most maxInFlight at once, in arrival order, and reports idle', async () => {
    const gate = new PublishGate(2, 10);
    const order: number[] = [];
    const releases: Array<() => void> = [];
    const runs = [0, 1, 2, 3].map((i) =>
      gate.run(async () => {
        order.push(i);
        await new Promise<void>((resolve) => releases.push(resolve));
        return i;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([0, 1]);
    expect([gate.inFlight, gate.queued]).toEqual([2, 2]);
    let idle = false;
    void gate.idle().then(() => (idle = true));
    releases[0]!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([0, 1, 2]);
    releases[1]!();
    await new Promise((resolve) => setImmediate(resolve));
    releases[2]!();
    releases[3]!();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(true);
    expect([gate.inFlight, gate.queued]).toEqual([0, 0]);
  });

  it('refuses callers beyond maxQueued and frees the slot when a run throws', async () => {
    const gate = new PublishGate(1, 1);
    let release!: () => void;
    const first = gate.run(() => new Promise<void>((resolve) => (release = resolve)));
    const second = gate.run(async () => {
      throw new Error('boom');
    });
    await expect(gate.run(async () => 'x')).rejects.toBeInstanceOf(PublishQueueFullError);
    release();
    await first;
    await expect(second).rejects.toThrow('boom');
    expect(await gate.run(async () => 'after')).toBe('after');
  });
});
