/**
 * How statement parameters are encoded, shared by both adapters so that a parameter means the
 * same on PostgreSQL and on PGlite (the drivers differ: pg turns JS arrays into array literals,
 * PGlite serialises by the parameter's inferred type).
 */

/** Value handed to a driver: text, a byte buffer, a JS number/boolean, or NULL. */
export type WireValue = string | number | boolean | Buffer | null;

/**
 * Encodes statement parameters: `null`/`undefined` → NULL; `bigint` → decimal text; `Date` →
 * ISO-8601 UTC text; `Uint8Array`/`Buffer` → bytes; arrays → PostgreSQL array literal text (elements
 * encoded the same way); other objects → JSON text (`bigint` members as strings); strings,
 * numbers and booleans unchanged. Throws `RangeError` for an invalid `Date`.
 */
export function toWireParams(params: readonly unknown[] | undefined): WireValue[] {
  return params === undefined ? [] : params.map(toWireValue);
}

function toWireValue(value: unknown): WireValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (ArrayBuffer.isView(value)) return asBuffer(value);
  if (Array.isArray(value)) return arrayLiteral(value);
  return scalarText(value);
}

function scalarText(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) return JSON.stringify(value, jsonReplacer);
  return String(value);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function asBuffer(view: ArrayBufferView): Buffer {
  return Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

function arrayLiteral(items: readonly unknown[]): string {
  const parts = items.map((item): string => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return arrayLiteral(item);
    if (ArrayBuffer.isView(item)) return quoteElement(`\\x${asBuffer(item).toString('hex')}`);
    return quoteElement(typeof item === 'string' ? item : scalarText(item));
  });
  return `{${parts.join(',')}}`;
}

function quoteElement(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
