import { BlobStoreConfigError } from './errors.js';

/** Default largest blob a store accepts: 2 GiB. */
export const DEFAULT_MAX_BLOB_BYTES = 2 * 1024 ** 3;

/**
 * Validates a `maxBytes` option (default {@link DEFAULT_MAX_BLOB_BYTES}):
 * a positive integer no larger than `ceiling`. Throws {@link BlobStoreConfigError}.
 */
export function resolveMaxBytes(maxBytes: number | undefined, ceiling = Number.MAX_SAFE_INTEGER): number {
  const value = maxBytes ?? Math.min(DEFAULT_MAX_BLOB_BYTES, ceiling);
  if (!Number.isSafeInteger(value) || value < 1 || value > ceiling) {
    throw new BlobStoreConfigError(`maxBytes must be an integer in 1..${ceiling}, got ${String(maxBytes)}`);
  }
  return value;
}
