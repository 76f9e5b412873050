/**
 * Wire-level access to an encoded message without decoding it: which top-level fields it holds,
 * and one more varint field to append. For the hot path of a router that passes bytes on.
 */
import protobuf from 'protobufjs/light.js';
import { toLong } from './uint64.js';

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_START_GROUP = 3;
const WIRE_END_GROUP = 4;

/** One top-level field of an encoded message, as {@link scanTopLevelFields} finds it. */
export interface ScannedField {
  readonly field: number;
  readonly wireType: number;
  /** Offset of the value in the bytes (for a length-delimited field: of its content, after the length). */
  readonly start: number;
  /** Offset just past the value. */
  readonly end: number;
}

/**
 * The top-level fields of an encoded message, in the order they appear, without decoding any value
 * (so nothing below the top level is checked). `undefined` when the top level is not well formed:
 * a field number 0, a group (proto3 has none), a truncated value or length.
 */
export function scanTopLevelFields(bytes: Uint8Array): ScannedField[] | undefined {
  const reader = protobuf.Reader.create(bytes);
  const fields: ScannedField[] = [];
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const field = tag >>> 3;
      const wireType = tag & 7;
      if (field === 0 || wireType === WIRE_START_GROUP || wireType === WIRE_END_GROUP) return undefined;
      let start = reader.pos;
      if (wireType === WIRE_LEN) {
        const length = reader.uint32();
        start = reader.pos;
        reader.skip(length);
      } else {
        reader.skipType(wireType);
      }
      fields.push({ field, wireType, start, end: reader.pos });
    }
  } catch {
    // protobufjs throws a RangeError on reading past the end.
    return undefined;
  }
  return fields;
}

/**
 * `field` as a uint64 varint (tag and value), to append to an encoded message: appended last, it
 * is where an encoder that writes fields in number order would have put the highest-numbered one.
 */
export function encodeUint64Field(field: number, value: bigint): Uint8Array {
  if (!Number.isSafeInteger(field) || field < 1 || field > 536_870_911) throw new RangeError(`field number ${field} is out of range`);
  return protobuf.Writer.create()
    .uint32(((field << 3) | WIRE_VARINT) >>> 0)
    .uint64(toLong(value))
    .finish();
}
