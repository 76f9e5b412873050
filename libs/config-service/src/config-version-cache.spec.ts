import type { SqlExecutor } from '@shepherd/store';
import { describe, expect, it } from 'vitest';
import { createConfigVersionCache } from './config-versions.js';
import { insertVersion, yamlFiles } from './read-side-fixtures.test-helpers.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

/** The test store, counting the statements the cache sends it. */
function counting(store: SqlExecutor): SqlExecutor & { readonly reads: () => number } {
  let reads = 0;
  return {
    query: (sql, params) => {
      reads += 1;
      return store.query(sql, params);
    },
    reads: () => reads,
  };
}

describe.each(ENGINES)('config version cache on %s', (engine) => {
  const db = useTestDatabase(engine);

  it('reads a version once, then serves it from memory; a missing one is read every time', async () => {
    const hash = await insertVersion(db.store, { files: yamlFiles('a: 1\n') });
    const store = counting(db.store);
    const cache = createConfigVersionCache(store);
    const first = await cache.get('default', hash);
    expect(first?.files.map((f) => Buffer.from(f.body).toString())).toEqual(['a: 1\n']);
    expect(await cache.get('default', hash)).toBe(first);
    expect(store.reads()).toBe(1);
    expect(await cache.get('default', 'f'.repeat(64))).toBeUndefined();
    expect(await cache.get('default', 'f'.repeat(64))).toBeUndefined();
    expect(store.reads()).toBe(3);
  });

  it('holds at most maxBytes of versions, least recently used out, and never one heavier than the bound', async () => {
    const small = [await insertVersion(db.store, { files: yamlFiles('a: 1\n') }), await insertVersion(db.store, { files: yamlFiles('b: 2\n') })];
    const heavy = await insertVersion(db.store, { files: yamlFiles(`c: ${'x'.repeat(400)}\n`) });
    const store = counting(db.store);
    // A small version weighs 84 (body, name and 64 per file, plus 1): two fit in 250, the heavy one alone does not.
    const cache = createConfigVersionCache(store, 250);
    await cache.get('default', small[0]!);
    await cache.get('default', small[1]!);
    await cache.get('default', small[0]!);
    expect(store.reads()).toBe(2);
    await cache.get('default', heavy);
    await cache.get('default', heavy);
    expect(store.reads()).toBe(4);
    // The heavy one was never kept, so it pushed nothing out.
    await cache.get('default', small[1]!);
    await cache.get('default', small[0]!);
    expect(store.reads()).toBe(4);
  });
});
