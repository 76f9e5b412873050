import { describe, expect, it } from 'vitest';
import { StatementBatch, uniqueRuns } from './statement-batch.js';

interface Item {
  readonly key: string;
  readonly value: number;
}

function recording(fail: (items: readonly Item[]) => boolean = () => false) {
  const statements: number[][] = [];
  const batch = new StatementBatch<Item, number>(
    async (items) => {
      statements.push(items.map((i) => i.value));
      if (fail(items)) throw new Error(`statement failed for ${items.map((i) => i.key).join(',')}`);
      return items.map((i) => i.value * 10);
    },
    (item) => item.key,
    3,
  );
  return { batch, statements };
}

describe('StatementBatch', () => {
  it('runs calls made in one loop turn as one statement, at most maxBatch items each', async () => {
    const { batch, statements } = recording();
    const results = await Promise.all([1, 2, 3, 4, 5].map((value) => batch.run({ key: `k${value}`, value })));
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(statements).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('gives a lone call its own statement after one loop turn', async () => {
    const { batch, statements } = recording();
    expect(await batch.run({ key: 'a', value: 7 })).toBe(70);
    expect(await batch.run({ key: 'a', value: 8 })).toBe(80);
    expect(statements).toEqual([[7], [8]]);
  });

  it('never puts two items of one key in a statement, and keeps their order', async () => {
    const { batch, statements } = recording();
    const results = await Promise.all([
      batch.run({ key: 'a', value: 1 }),
      batch.run({ key: 'b', value: 2 }),
      batch.run({ key: 'a', value: 3 }),
    ]);
    expect(results).toEqual([10, 20, 30]);
    expect(statements).toEqual([[1, 2], [3]]);
  });

  it('fails only the bad item: a failed batch statement is retried item by item', async () => {
    const { batch, statements } = recording((items) => items.some((i) => i.key === 'bad'));
    const settled = await Promise.allSettled([
      batch.run({ key: 'ok1', value: 1 }),
      batch.run({ key: 'bad', value: 2 }),
      batch.run({ key: 'ok2', value: 3 }),
    ]);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([10, 'statement failed for bad', 30]);
    expect(statements).toEqual([[1, 2, 3], [1], [2], [3]]);
  });
});

describe('uniqueRuns', () => {
  it('splits where a key repeats', () => {
    expect(uniqueRuns(['a', 'b', 'a', 'c', 'c'], (k) => k)).toEqual([['a', 'b'], ['a', 'c'], ['c']]);
    expect(uniqueRuns([], (k: string) => k)).toEqual([]);
  });
});
