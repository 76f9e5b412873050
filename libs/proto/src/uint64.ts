import Long from 'long';
import { Uint64RangeError } from './errors.js';

const MASK_32 = 0xffff_ffffn;
const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/**
 * Converts a protobuf 64-bit value to an exact bigint.
 *
 * A `Long` converts bit for bit (unsigned Longs give 0..2^64-1, signed ones
 * -2^63..2^63-1); a bigint is returned as is. A JS number is accepted only
 * when it is a safe integer, because a larger number has already lost
 * precision and pretending otherwise would hide the bug.
 * @throws {Uint64RangeError} for a non-integer or unsafe number.
 */
export function toBigInt(value: Long | number | bigint): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new Uint64RangeError(`${value} is not a safe integer; 64-bit values must travel as Long or bigint`);
    }
    return BigInt(value);
  }
  const bits = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return value.unsigned ? bits : BigInt.asIntN(64, bits);
}

/**
 * Converts a bigint to a `Long` without going through a JS number.
 *
 * `unsigned` (default true, as for uint64/fixed64 fields) selects the range:
 * 0..2^64-1, or -2^63..2^63-1 for int64 fields such as `AnyValue.int_value`.
 * @throws {Uint64RangeError} when the value is outside that range.
 */
export function toLong(value: bigint, unsigned = true): Long {
  const [min, max] = unsigned ? [0n, UINT64_MAX] : [INT64_MIN, INT64_MAX];
  if (typeof value !== 'bigint' || value < min || value > max) {
    throw new Uint64RangeError(`${String(value)} is outside the ${unsigned ? 'uint64' : 'int64'} range`);
  }
  const bits = BigInt.asUintN(64, value);
  // Long.fromBits takes the two halves as signed 32-bit ints; `| 0` reinterprets them.
  return Long.fromBits(Number(bits & MASK_32) | 0, Number(bits >> 32n) | 0, unsigned);
}
