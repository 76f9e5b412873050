import { describe, expect, it } from 'vitest';
import { StoreClosedError, StoreOverloadedError } from './errors.js';
import { InflightGate } from './inflight-gate.js';

describe('InflightGate', () => {
  it('refuses work beyond its limit and admits again once work settles', async () => {
    const gate = new InflightGate(1, 'test store');
    let release!: () => void;
    const running = gate.run(() => new Promise<void>((resolve) => (release = resolve)));
    await expect(gate.run(async () => 1)).rejects.toBeInstanceOf(StoreOverloadedError);
    release();
    await running;
    await expect(gate.run(async () => 2)).resolves.toBe(2);
  });

  it('close waits for admitted work and refuses new work', async () => {
    const gate = new InflightGate(5, 'test store');
    let release!: () => void;
    const running = gate.run(() => new Promise<string>((resolve) => (release = () => resolve('finished'))));
    const order: string[] = [];
    const closing = gate.close().then(() => order.push('closed'));
    await expect(gate.run(async () => 1)).rejects.toBeInstanceOf(StoreClosedError);
    void running.then(() => order.push('work'));
    release();
    await closing;
    expect(order).toEqual(['work', 'closed']);
  });
});
