import { describe, expect, it } from 'vitest';
import { KeyedSerializer } from './keyed-serializer.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('KeyedSerializer', () => {
  it('runs tasks of one key in call order, one at a time', async () => {
    const serializer = new KeyedSerializer();
    const gate = deferred();
    const order: string[] = [];
    const first = serializer.run('a', async () => {
      await gate.promise;
      order.push('a1');
    });
    const second = serializer.run('a', async () => {
      order.push('a2');
    });
    await Promise.resolve();
    expect(order).toEqual([]);
    gate.resolve();
    await Promise.all([first, second]);
    expect(order).toEqual(['a1', 'a2']);
  });

  it('runs tasks of different keys concurrently', async () => {
    const serializer = new KeyedSerializer();
    const gate = deferred();
    let aDone = false;
    const blocked = serializer.run('a', () => gate.promise).then(() => (aDone = true));
    await expect(serializer.run('b', async () => 'b ran')).resolves.toBe('b ran');
    expect(aDone).toBe(false);
    gate.resolve();
    await blocked;
    expect(aDone).toBe(true);
  });

  it('goes on after a failed task, passes the failure to its caller, and forgets idle keys', async () => {
    const serializer = new KeyedSerializer();
    const failed = serializer.run('a', async () => {
      throw new Error('boom');
    });
    const next = serializer.run('a', async () => 42);
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe(42);
    await new Promise((resolve) => setImmediate(resolve));
    expect(serializer.activeKeys).toBe(0);
  });
});
