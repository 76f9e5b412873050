/**
 * How result values are decoded, shared by both adapters so a row reads the same on PostgreSQL
 * and on PGlite. Keyed by PostgreSQL type OID; types not listed keep their driver's decoding
 * (identical for text, varchar, uuid, int2/int4, float4/float8, bool, numeric and arrays of those).
 */

/** Decodes one value from PostgreSQL's text output format. */
export type TextParser = (text: string) => unknown;

const TIMESTAMP =
  /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d(?::?\d\d)?(?::?\d\d)?)?( BC)?$/;

/** int8 → `bigint`, exact over the whole int8 range. */
export function parseInt8(text: string): bigint {
  return BigInt(text);
}

/** bytea (hex or escape output) → `Buffer`. */
export function parseBytea(text: string): Buffer {
  if (text.startsWith('\\x')) return Buffer.from(text.slice(2), 'hex');
  return decodeEscapedBytea(text);
}

/**
 * timestamptz / timestamp → `Date` (millisecond precision; a value without offset is read as
 * UTC, independent of the process time zone). `infinity` / `-infinity` become `±Infinity`.
 */
export function parseTimestamp(text: string): Date | number {
  if (text === 'infinity') return Infinity;
  if (text === '-infinity') return -Infinity;
  const m = TIMESTAMP.exec(text);
  if (m === null) return new Date(text);
  const [, y, mo, d, h, mi, s, fraction, offset, bc] = m;
  const date = new Date(0);
  const year = bc === undefined ? Number(y) : 1 - Number(y);
  // setUTCFullYear, unlike Date.UTC, does not map years 0..99 to 1900..1999.
  date.setUTCFullYear(year, Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), fraction === undefined ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3)));
  return new Date(date.getTime() - offsetSeconds(offset) * 1000);
}

/** json / jsonb → parsed value. */
export function parseJson(text: string): unknown {
  return JSON.parse(text);
}

/** Kept as the text PostgreSQL sent (`date` as `YYYY-MM-DD`, `interval` as e.g. `1 day 02:00:00`). */
export function keepText(text: string): string {
  return text;
}

/** Scalar decoders by type OID. */
export const VALUE_PARSERS: ReadonlyMap<number, TextParser> = new Map<number, TextParser>([
  [20, parseInt8],
  [17, parseBytea],
  [114, parseJson],
  [3802, parseJson],
  [1184, parseTimestamp],
  [1114, parseTimestamp],
  [1082, keepText],
  [1186, keepText],
]);

/** Array type OID → element type OID, for the element types in {@link VALUE_PARSERS}. */
export const ARRAY_ELEMENT_OIDS: ReadonlyMap<number, number> = new Map([
  [1016, 20],
  [1001, 17],
  [199, 114],
  [3807, 3802],
  [1185, 1184],
  [1115, 1114],
  [1182, 1082],
  [1187, 1186],
]);

/** Applies `parse` to every non-null string of a (possibly nested) array of element texts. */
export function mapArrayElements(value: unknown, parse: TextParser): unknown {
  if (Array.isArray(value)) return value.map((item: unknown) => mapArrayElements(item, parse));
  return typeof value === 'string' ? parse(value) : value;
}

function offsetSeconds(offset: string | undefined): number {
  if (offset === undefined || offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(/:/g, '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4) || '0');
  const seconds = Number(digits.slice(4, 6) || '0');
  return sign * (hours * 3600 + minutes * 60 + seconds);
}

function decodeEscapedBytea(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') {
      bytes.push(text.charCodeAt(i));
    } else if (text[i + 1] === '\\') {
      bytes.push(0x5c);
      i += 1;
    } else {
      bytes.push(parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    }
  }
  return Buffer.from(bytes);
}
