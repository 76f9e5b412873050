import { InvalidConfigQueryError } from './query-errors.js';

/** Longest cursor accepted: a cursor is a few short keys, never user data. */
const MAX_CURSOR_LENGTH = 512;

/**
 * The opaque `next` cursor of a keyset page: the sort key of the last row (e.g. its time as
 * ISO-8601 text with microseconds, and its id), base64url-encoded so clients treat it as a token.
 */
export function encodeCursor(keys: readonly string[]): string {
  return Buffer.from(JSON.stringify(keys), 'utf8').toString('base64url');
}

/**
 * The keys of a cursor made by {@link encodeCursor}, checked against `patterns` (one per key).
 * @throws InvalidConfigQueryError when the text is not such a cursor
 */
export function decodeCursor(cursor: unknown, patterns: readonly RegExp[]): string[] {
  const invalid = (): InvalidConfigQueryError => new InvalidConfigQueryError('after must be the `next` cursor of a previous page');
  if (typeof cursor !== 'string' || cursor === '' || cursor.length > MAX_CURSOR_LENGTH) throw invalid();
  let keys: unknown;
  try {
    keys = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (err) {
    throw new InvalidConfigQueryError('after must be the `next` cursor of a previous page', { cause: err });
  }
  if (!Array.isArray(keys) || keys.length !== patterns.length) throw invalid();
  keys.forEach((key, i) => {
    if (typeof key !== 'string' || !(patterns[i] as RegExp).test(key)) throw invalid();
  });
  return keys as string[];
}

/** A timestamptz rendered by {@link cursorTimeSql}: exact to the microsecond, read back with `::timestamptz`. */
export const CURSOR_TIME = /^\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

/** SQL rendering `column` as the UTC text {@link CURSOR_TIME} matches (a JS Date would lose the microseconds). */
export function cursorTimeSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}
