import { describe, expect, it } from 'vitest';
import { interceptingStore } from './intercepting-store.js';
import { useTestDatabase } from './test-database.js';

describe('interceptingStore', () => {
  const db = useTestDatabase('pglite', { tables: [], schemaPrefix: 'icpt' });

  it('passes each statement through the interceptor, which may observe, answer or fail it', async () => {
    const seen: string[] = [];
    const store = interceptingStore(db.store, async (sql, params, next) => {
      seen.push(sql);
      if (sql.includes('fail me')) throw new Error('injected');
      return next();
    });
    const { rows } = await store.query<{ n: number }>('SELECT $1::int AS n', [7]);
    expect(rows).toEqual([{ n: 7 }]);
    await expect(store.query("SELECT 'fail me'")).rejects.toThrow('injected');
    expect(seen).toEqual(['SELECT $1::int AS n', "SELECT 'fail me'"]);
    expect(store.dialect).toBe(db.store.dialect);
  });
});
