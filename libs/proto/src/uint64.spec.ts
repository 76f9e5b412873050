import Long from 'long';
import { describe, expect, it } from 'vitest';
import { decodeAgentToServer, encodeAgentToServer } from './codec.js';
import { Uint64RangeError } from './errors.js';
import { opamp } from './messages.js';
import { toBigInt, toLong } from './uint64.js';

const UINT64_MAX = 2n ** 64n - 1n;
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('uint64 helpers', () => {
  it('converts Long to bigint bit for bit, unsigned and signed', () => {
    expect(toBigInt(Long.MAX_UNSIGNED_VALUE)).toBe(UINT64_MAX);
    expect(toBigInt(Long.fromString('1234567890abcdef', true, 16))).toBe(0x1234567890abcdefn);
    expect(toBigInt(Long.MIN_VALUE)).toBe(-(2n ** 63n));
    expect(toBigInt(Long.fromInt(-1))).toBe(-1n);
    expect(toBigInt(Long.fromInt(-1).toUnsigned())).toBe(UINT64_MAX);
  });

  it('converts bigint to Long without a lossy number', () => {
    const big = 2n ** 53n + 1n; // not representable as a JS number
    expect(toLong(big).toString()).toBe('9007199254740993');
    expect(toLong(UINT64_MAX).equals(Long.MAX_UNSIGNED_VALUE)).toBe(true);
    expect(toLong(2n ** 63n).toString(16)).toBe('8000000000000000');
    expect(toLong(-(2n ** 63n), false).equals(Long.MIN_VALUE)).toBe(true);
    expect(toLong(-1n, false).toString()).toBe('-1');
    for (const v of [0n, 1n, 0xffffffffn, 0x100000000n, UINT64_MAX - 1n]) expect(toBigInt(toLong(v))).toBe(v);
  });

  it('accepts only safe integer numbers', () => {
    expect(toBigInt(42)).toBe(42n);
    expect(toBigInt(Number.MAX_SAFE_INTEGER)).toBe(2n ** 53n - 1n);
    expect(toBigInt(-7)).toBe(-7n);
    for (const n of [2 ** 53, 1.5, Number.NaN, Infinity]) expect(() => toBigInt(n)).toThrow(Uint64RangeError);
  });

  it('rejects bigints outside the 64-bit range', () => {
    expect(() => toLong(2n ** 64n)).toThrow(Uint64RangeError);
    expect(() => toLong(-1n)).toThrow(/uint64 range/);
    expect(() => toLong(2n ** 63n, false)).toThrow(/int64 range/);
    expect(() => toLong(5 as unknown as bigint)).toThrow(Uint64RangeError);
  });
});

describe('64-bit fields survive the wire exactly (wire-facts §0 conventions)', () => {
  it('round-trips sequence_num = 2^64-1 and capabilities with bit 63', () => {
    const bytes = encodeAgentToServer({ sequenceNum: toLong(UINT64_MAX), capabilities: toLong((1n << 63n) | 1n) });
    // Hand-derived: 64 one-bits = nine 7-bit groups of ones (ff x9) + one last bit (01);
    // bit 63 | bit 0 = low group 0000001 (0x81 with continuation), eight zero groups (80 x8), then 01.
    expect(toHex(bytes)).toBe(`10${'ff'.repeat(9)}01` + `2081${'80'.repeat(8)}01`);
    const decoded = decodeAgentToServer(bytes);
    expect(Long.isLong(decoded.sequenceNum)).toBe(true);
    expect(toBigInt(decoded.sequenceNum)).toBe(UINT64_MAX);
    expect(toBigInt(decoded.capabilities)).toBe((1n << 63n) | 1n);
  });

  it('keeps fixed64 nanosecond timestamps and int64 AnyValue exact', () => {
    const ns = 1_700_000_000_123_456_789n; // > 2^53
    const decoded = decodeAgentToServer(
      encodeAgentToServer({
        health: { startTimeUnixNano: toLong(ns), statusTimeUnixNano: toLong(UINT64_MAX) },
        agentDescription: { identifyingAttributes: [{ key: 'i', value: { intValue: toLong(-(2n ** 63n), false) } }] },
      }),
    );
    expect(toBigInt(decoded.health!.startTimeUnixNano!)).toBe(ns);
    expect(toBigInt(decoded.health!.statusTimeUnixNano!)).toBe(UINT64_MAX);
    expect(toBigInt(decoded.agentDescription!.identifyingAttributes![0]!.value!.intValue!)).toBe(-(2n ** 63n));
  });

  it('decodes 64-bit fields as Long instances of the long package', () => {
    const decoded = opamp.RetryInfo.decode(Uint8Array.from([0x08, 0x01]));
    expect(decoded.retryAfterNanoseconds).toBeInstanceOf(Long);
    expect(decoded.retryAfterNanoseconds.unsigned).toBe(true);
  });
});
