import { InvalidBlobKeyError } from './errors.js';

/** Longest key accepted. */
export const MAX_BLOB_KEY_LENGTH = 512;
/** Longest key segment accepted (fits a file name with the filesystem adapter's suffix). */
export const MAX_BLOB_SEGMENT_LENGTH = 200;

const SEGMENT = /^[A-Za-z0-9._-]+$/;
const PREFIX_CHARS = /^[A-Za-z0-9._/-]*$/;

/** True when `segment` is one valid key segment. */
export function isBlobKeySegment(segment: string): boolean {
  return (
    segment.length <= MAX_BLOB_SEGMENT_LENGTH && SEGMENT.test(segment) && segment !== '.' && segment !== '..'
  );
}

/** True when `key` obeys the key rule (see {@link assertBlobKey}). */
export function isBlobKey(key: unknown): key is string {
  return typeof key === 'string' && key.length <= MAX_BLOB_KEY_LENGTH && key.split('/').every(isBlobKeySegment);
}

/**
 * Throws {@link InvalidBlobKeyError} unless `key` is relative `/`-separated
 * segments of `[A-Za-z0-9._-]`, none empty, `.` or `..`, each at most 200
 * characters, 512 in all.
 */
export function assertBlobKey(key: unknown): asserts key is string {
  if (!isBlobKey(key)) throw new InvalidBlobKeyError(`invalid blob key ${describe(key)}`);
}

/**
 * Throws {@link InvalidBlobKeyError} unless `prefix` could start a valid key:
 * key characters only, at most 512, and every complete segment valid.
 */
export function assertBlobPrefix(prefix: unknown): asserts prefix is string {
  const valid =
    typeof prefix === 'string' &&
    prefix.length <= MAX_BLOB_KEY_LENGTH &&
    PREFIX_CHARS.test(prefix) &&
    prefix.split('/').slice(0, -1).every(isBlobKeySegment);
  if (!valid) throw new InvalidBlobKeyError(`invalid blob key prefix ${describe(prefix)}`);
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
