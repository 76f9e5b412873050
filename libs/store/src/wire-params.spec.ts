import { describe, expect, it } from 'vitest';
import { toWireParams } from './wire-params.js';

describe('toWireParams', () => {
  it('encodes scalars the same way for every driver', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(
      toWireParams([null, undefined, 'x', 1.5, true, 2n ** 63n - 1n, new Date('2024-01-02T03:04:05.678Z'), bytes]),
    ).toEqual([null, null, 'x', 1.5, true, '9223372036854775807', '2024-01-02T03:04:05.678Z', Buffer.from([1, 2, 3])]);
  });

  it('encodes objects as JSON text with bigint members as strings', () => {
    expect(toWireParams([{ a: 1, big: 5n, nested: [true] }])).toEqual(['{"a":1,"big":"5","nested":[true]}']);
  });

  it('encodes arrays as PostgreSQL array literals with escaping', () => {
    expect(toWireParams([['a', 'b c', 'q"d', 'b\\s', '', null, 7n, [1, 2], Buffer.from([255])]])).toEqual([
      '{"a","b c","q\\"d","b\\\\s","",NULL,"7",{"1","2"},"\\\\xff"}',
    ]);
    expect(toWireParams([[]])).toEqual(['{}']);
  });

  it('refuses an invalid Date instead of sending garbage', () => {
    expect(() => toWireParams([new Date('nope')])).toThrow(RangeError);
  });
});
