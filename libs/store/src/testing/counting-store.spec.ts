import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../pglite/pglite-store.js';
import type { SqlStore } from '../sql-store.js';
import { countingStore } from './counting-store.js';

let dir: string;
let inner: SqlStore;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shepherd-counting-store-'));
  inner = await openPglite({ dataDir: join(dir, 'db') });
  await inner.query('CREATE TABLE t (id int PRIMARY KEY)');
});

afterAll(async () => {
  await inner?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('countingStore', () => {
  it('records and times every statement, also inside transactions, and counts writes and transactions', async () => {
    const counting = countingStore(inner);
    await counting.store.query('INSERT INTO t VALUES (1)');
    await counting.store.transaction(async (tx) => {
      await tx.query('SELECT id FROM t');
      await tx.query('WITH moved AS (UPDATE t SET id = 2 RETURNING id) SELECT id FROM moved');
    });
    await counting.store.query('DELETE FROM t');

    expect(counting.statements).toEqual([
      'INSERT INTO t VALUES (1)',
      'SELECT id FROM t',
      'WITH moved AS (UPDATE t SET id = 2 RETURNING id) SELECT id FROM moved',
      'DELETE FROM t',
    ]);
    expect(counting.writes()).toBe(3);
    expect(counting.transactions).toBe(1);
    expect(counting.records.every((r) => typeof r.ms === 'number' && r.ms >= 0)).toBe(true);
    expect(counting.store.dialect).toBe('pglite');
  });

  it('times a failing statement too, and starts over on reset', async () => {
    const counting = countingStore(inner);
    await expect(counting.store.query('SELECT nope FROM t')).rejects.toThrow();
    expect(counting.records).toEqual([{ sql: 'SELECT nope FROM t', ms: expect.any(Number) }]);
    counting.reset();
    expect(counting.statements).toEqual([]);
    expect(counting.transactions).toBe(0);
    expect(counting.writes()).toBe(0);
  });
});
