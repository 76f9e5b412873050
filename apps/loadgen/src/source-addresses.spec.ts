import { describe, expect, it } from 'vitest';
import { sourceAddressOf } from './source-addresses.js';

describe('sourceAddressOf', () => {
  it('spreads agents round-robin over 127.0.0.2 onward, never 127.0.0.1', () => {
    expect([0, 1, 2, 3, 4].map((i) => sourceAddressOf(i, 3))).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.2', '127.0.0.3']);
    const all = new Set(Array.from({ length: 1000 }, (_, i) => sourceAddressOf(i, 250)));
    expect(all.size).toBe(250);
    expect(all.has('127.0.0.1')).toBe(false);
    expect(all.has('127.0.0.251')).toBe(true);
  });

  it('refuses counts outside 1..250 and negative indexes', () => {
    expect(() => sourceAddressOf(0, 0)).toThrow(RangeError);
    expect(() => sourceAddressOf(0, 251)).toThrow(RangeError);
    expect(() => sourceAddressOf(-1, 4)).toThrow(RangeError);
  });
});
