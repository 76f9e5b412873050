import { describe, expect, it } from 'vitest';
import { mapArrayElements, parseBytea, parseInt8, parseTimestamp } from './type-parsers.js';

describe('type parsers', () => {
  it('decodes int8 exactly at both ends of its range', () => {
    expect(parseInt8('9223372036854775807')).toBe(2n ** 63n - 1n);
    expect(parseInt8('-9223372036854775808')).toBe(-(2n ** 63n));
  });

  it('decodes bytea in hex and escape output formats', () => {
    expect(parseBytea('\\x00ff10')).toEqual(Buffer.from([0, 255, 16]));
    expect(parseBytea('a\\\\b\\001')).toEqual(Buffer.from([0x61, 0x5c, 0x62, 1]));
  });

  it('decodes timestamps with any offset, fractions, BC and far-future years', () => {
    expect(parseTimestamp('2024-05-01 12:34:56.789123+00')).toEqual(new Date('2024-05-01T12:34:56.789Z'));
    expect(parseTimestamp('2024-05-01 12:00:00+05:30')).toEqual(new Date('2024-05-01T06:30:00Z'));
    expect(parseTimestamp('2024-05-01 12:00:00-03')).toEqual(new Date('2024-05-01T15:00:00Z'));
    expect(parseTimestamp('1890-01-01 00:00:00+00:53:28')).toEqual(new Date(Date.UTC(1889, 11, 31, 23, 6, 32)));
    expect(parseTimestamp('2024-05-01 12:00:00.5')).toEqual(new Date('2024-05-01T12:00:00.500Z'));
    expect((parseTimestamp('0044-03-15 00:00:00+00 BC') as Date).getUTCFullYear()).toBe(-43);
    expect((parseTimestamp('0099-01-01 00:00:00+00') as Date).getUTCFullYear()).toBe(99);
    expect((parseTimestamp('10000-01-01 00:00:00+00') as Date).getUTCFullYear()).toBe(10000);
    expect(parseTimestamp('infinity')).toBe(Infinity);
    expect(parseTimestamp('-infinity')).toBe(-Infinity);
  });

  it('maps nested array elements and keeps NULLs', () => {
    expect(mapArrayElements([['1', null], ['2']], parseInt8)).toEqual([[1n, null], [2n]]);
  });
});
