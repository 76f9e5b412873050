import type { ByteRange } from './blob-store.js';
import { BlobRangeError, InvalidBlobArgumentError } from './errors.js';

/** Throws {@link InvalidBlobArgumentError} unless `range` has integer `start >= 0` and, if given, `end >= start`. */
export function assertRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new InvalidBlobArgumentError(`range start must be a non-negative integer, got ${String(start)}`);
  }
  if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) {
    throw new InvalidBlobArgumentError(`range end must be an integer >= start (${start}), got ${String(end)}`);
  }
}

/**
 * The inclusive bytes of a blob of `size` that `range` selects, `end` clamped
 * to the last byte. Throws {@link BlobRangeError} when `start >= size`.
 */
export function resolveRange(range: ByteRange, size: number): { start: number; end: number } {
  assertRange(range);
  if (range.start >= size) {
    throw new BlobRangeError(`range starts at ${range.start} but the blob has ${size} bytes`, size);
  }
  return { start: range.start, end: Math.min(range.end ?? size - 1, size - 1) };
}
