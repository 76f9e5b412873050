import { describe, expect, it } from 'vitest';
import { ConfigServiceOptionsError } from './errors.js';
import { LruCache } from './lru-cache.js';

describe('LruCache', () => {
  it('evicts the least recently used entry beyond maxEntries; get refreshes recency', () => {
    const cache = new LruCache<string, number>({ maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('bounds the total weight and never keeps a value heavier than the bound', () => {
    const cache = new LruCache<string, string>({ maxEntries: 100, maxWeight: 10, weigh: (v) => v.length });
    cache.set('a', 'xxxx');
    cache.set('b', 'yyyy');
    cache.set('c', 'zzzz');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(2);
    cache.set('huge', 'x'.repeat(11));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('replaces a value under the same key and deletes on request', () => {
    const cache = new LruCache<string, string>({ maxEntries: 3, maxWeight: 8, weigh: (v) => v.length });
    cache.set('a', 'xxxx');
    cache.set('a', 'yyyy');
    cache.set('b', 'zzzz');
    expect(cache.get('a')).toBe('yyyy');
    expect(cache.delete('a')).toBe(true);
    expect(cache.delete('a')).toBe(false);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('rejects invalid bounds', () => {
    expect(() => new LruCache({ maxEntries: 0 })).toThrow(ConfigServiceOptionsError);
    expect(() => new LruCache({ maxEntries: 1, maxWeight: 0 })).toThrow(ConfigServiceOptionsError);
  });
});
