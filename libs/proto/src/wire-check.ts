/**
 * A strict pass over raw protobuf bytes that rejects what the generated
 * static decoders would silently accept:
 * - a known field sent with the wrong wire type (protobufjs 8 files it under
 *   unknown fields, so e.g. an instance_uid sent as a varint decodes as "no uid");
 * - invalid UTF-8 in a string field (protobufjs substitutes U+FFFD; proto3
 *   requires valid UTF-8 and Go peers reject it);
 * - field number 0, and nested fields that overrun their enclosing message.
 * Unknown field numbers stay accepted: newer peers may send them (checklist §7.35).
 */
import { isUtf8 } from 'node:buffer';
import protobuf from 'protobufjs/light.js';
import descriptor from './generated/descriptor.js';
import { ProtoDecodeError } from './errors.js';

/** protoc's default recursion limit; protobufjs uses the same. */
const MAX_DEPTH = 100;
const WIRE_LEN = 2;
const WIRE_VARINT = 0;

interface FieldRule {
  readonly label: string;
  readonly wireTypes: readonly number[];
  readonly utf8: boolean;
  /** Fields of the embedded message (or map entry), resolved lazily because types recurse. */
  readonly nested?: () => FieldTable;
}

type FieldTable = ReadonlyMap<number, FieldRule>;

const tables = new Map<protobuf.Type, FieldTable>();
/** By fully qualified name: a descriptor lookup walks the namespace tree, and every decoded message needs its table. */
const tablesByName = new Map<string, FieldTable>();

function scalarRule(label: string, type: string, repeated: boolean): FieldRule {
  const wire = (protobuf.types.basic as Record<string, number | undefined>)[type];
  if (wire === undefined) throw new Error(`wire-check: no wire type for ${type} (${label})`);
  const packed = repeated && type in protobuf.types.packed;
  return { label, wireTypes: packed ? [wire, WIRE_LEN] : [wire], utf8: type === 'string' };
}

function valueRule(label: string, field: protobuf.FieldBase, repeated: boolean): FieldRule {
  const resolved = field.resolve().resolvedType;
  if (resolved instanceof protobuf.Type) {
    return { label, wireTypes: [WIRE_LEN], utf8: false, nested: () => tableOf(resolved) };
  }
  if (resolved instanceof protobuf.Enum) {
    return { label, wireTypes: repeated ? [WIRE_VARINT, WIRE_LEN] : [WIRE_VARINT], utf8: false };
  }
  return scalarRule(label, field.type, repeated);
}

function mapEntryTable(field: protobuf.MapField, label: string): FieldTable {
  return new Map([
    [1, scalarRule(`${label}.key`, field.keyType, false)],
    [2, valueRule(`${label}.value`, field, false)],
  ]);
}

function tableOf(type: protobuf.Type): FieldTable {
  const cached = tables.get(type);
  if (cached) return cached;
  const table = new Map<number, FieldRule>();
  for (const field of type.fieldsArray) {
    const label = `${type.name}.${field.name}`;
    if (field instanceof protobuf.MapField) {
      const entries = mapEntryTable(field, label);
      table.set(field.id, { label, wireTypes: [WIRE_LEN], utf8: false, nested: () => entries });
    } else {
      table.set(field.id, valueRule(label, field, field.repeated));
    }
  }
  tables.set(type, table);
  return table;
}

function fail(reader: protobuf.Reader, what: string): never {
  throw new ProtoDecodeError(`${what} (at byte ${reader.pos})`);
}

function checkDelimited(reader: protobuf.Reader, rule: FieldRule, depth: number): void {
  const length = reader.size();
  const start = reader.pos;
  // Let protobufjs detect truncation, so the caller sees its error as the cause.
  reader.skip(length);
  const stop = reader.pos;
  reader.pos = start;
  if (rule.utf8 && !isUtf8(reader.buf.subarray(start, stop))) fail(reader, `${rule.label}: invalid UTF-8`);
  if (rule.nested) walk(reader, stop, rule.nested(), depth + 1);
  else reader.pos = stop;
}

function walk(reader: protobuf.Reader, end: number, table: FieldTable, depth: number): void {
  if (depth > MAX_DEPTH) fail(reader, `messages nested deeper than ${MAX_DEPTH} levels`);
  while (reader.pos < end) {
    const tag = reader.tag();
    const id = tag >>> 3;
    const wire = tag & 7;
    if (id === 0) fail(reader, 'field number 0 is invalid');
    const rule = table.get(id);
    if (!rule) reader.skipType(wire, depth, id);
    else if (!rule.wireTypes.includes(wire)) fail(reader, `${rule.label}: wire type ${wire}, expected ${rule.wireTypes.join(' or ')}`);
    else if (wire === WIRE_LEN) checkDelimited(reader, rule, depth);
    else reader.skipType(wire, depth, id);
    if (reader.pos > end) fail(reader, 'a field runs past the end of its enclosing message');
  }
}

/**
 * Checks `bytes` as an encoding of the message `typeName` (fully qualified,
 * e.g. `opamp.proto.v1.AgentToServer`).
 * @throws {ProtoDecodeError} for the problems listed in this module's header.
 * @throws the protobufjs Reader's own error for truncated data or an invalid
 *   wire type; the codec wraps it into a ProtoDecodeError.
 */
export function checkWire(bytes: Uint8Array, typeName: string): void {
  let table = tablesByName.get(typeName);
  if (table === undefined) {
    table = tableOf(descriptor.lookupType(typeName));
    tablesByName.set(typeName, table);
  }
  const reader = protobuf.Reader.create(bytes);
  walk(reader, reader.len, table, 0);
}
