import { type opamp, toBigInt } from '@shepherd/proto';

type AnyValue = opamp.AnyValue.$Properties;
type KeyValue = opamp.KeyValue.$Properties;

/** Longest attribute value kept, in characters; longer values are cut (labels are for matching, not storage). */
export const MAX_ATTRIBUTE_VALUE_LENGTH = 4096;
/** Most attributes kept per list; later ones are ignored so one agent cannot grow a row without bound. */
export const MAX_ATTRIBUTES = 256;

/**
 * AgentDescription attributes as a string map, the form labels and selectors use: strings as
 * they are; ints, doubles and bools as their text (`5`, `1.5`, `true`); bytes as base64; arrays
 * and key-value lists as JSON of their converted members; an unset value as `""`. A repeated key
 * keeps its last value. Keys that are empty are skipped.
 */
export function attributesToLabels(attributes: readonly KeyValue[] | null | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const attribute of (attributes ?? []).slice(0, MAX_ATTRIBUTES)) {
    const key = attribute.key ?? '';
    if (key === '') continue;
    labels[key] = anyValueToString(attribute.value).slice(0, MAX_ATTRIBUTE_VALUE_LENGTH);
  }
  return labels;
}

/** One AnyValue as text (see {@link attributesToLabels}). */
export function anyValueToString(value: AnyValue | null | undefined): string {
  const plain = anyValueToPlain(value);
  return typeof plain === 'string' ? plain : JSON.stringify(plain);
}

type Plain = string | Plain[] | { [key: string]: Plain };

function anyValueToPlain(value: AnyValue | null | undefined, depth = 0): Plain {
  if (value === null || value === undefined) return '';
  if (value.stringValue !== null && value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== null && value.boolValue !== undefined) return String(value.boolValue);
  if (value.intValue !== null && value.intValue !== undefined) return toBigInt(value.intValue).toString();
  if (value.doubleValue !== null && value.doubleValue !== undefined) return String(value.doubleValue);
  if (value.bytesValue !== null && value.bytesValue !== undefined) return Buffer.from(value.bytesValue).toString('base64');
  // Nesting is bounded so a hostile agent cannot make conversion recurse without end.
  if (depth >= 8) return '';
  if (value.arrayValue) return (value.arrayValue.values ?? []).map((v) => anyValueToPlain(v, depth + 1));
  if (value.kvlistValue) {
    const object: Record<string, Plain> = {};
    for (const kv of value.kvlistValue.values ?? []) object[kv.key ?? ''] = anyValueToPlain(kv.value, depth + 1);
    return object;
  }
  return '';
}
