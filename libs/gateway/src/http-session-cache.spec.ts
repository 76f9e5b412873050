import { describe, expect, it } from 'vitest';
import type { AgentEntry } from './agent-entry.js';
import { HttpSessionCache, type HttpSessionEnd } from './http-session-cache.js';

const entry = (uid: string): AgentEntry => ({ uid, holderId: `h-${uid}` }) as AgentEntry;

function cache(max: number, idleMs: number) {
  const clock = { now: 0 };
  const ended: Array<[string, HttpSessionEnd]> = [];
  const c = new HttpSessionCache(max, idleMs, (e, why) => ended.push([e.uid, why]), () => clock.now);
  return { c, clock, ended };
}

describe('HttpSessionCache', () => {
  it('evicts the least recently seen session beyond its bound', () => {
    const { c, ended } = cache(2, 1_000);
    c.set(entry('a'));
    c.set(entry('b'));
    c.touch('a');
    c.set(entry('c'));
    expect(ended).toEqual([['b', 'evicted']]);
    expect([c.peek('a')?.uid, c.peek('b'), c.peek('c')?.uid]).toEqual(['a', undefined, 'c']);
  });

  it('hides idle sessions at once and ends them on sweep', () => {
    const { c, clock, ended } = cache(10, 100);
    c.set(entry('a'));
    clock.now = 50;
    c.set(entry('b'));
    clock.now = 120;
    expect(c.peek('a')).toBeUndefined();
    expect(c.peek('b')?.uid).toBe('b');
    c.sweep();
    expect(ended).toEqual([['a', 'idle']]);
    expect(c.size).toBe(1);
  });

  it('deletes only the given entry', () => {
    const { c } = cache(10, 100);
    const a = entry('a');
    c.set(a);
    expect(c.delete('a', entry('a'))).toBe(false);
    expect(c.delete('a', a)).toBe(true);
    expect(c.size).toBe(0);
  });
});
