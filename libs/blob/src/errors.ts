import { ShepherdError } from '@shepherd/errors';

/**
 * A blob key (or list prefix) breaks the key rule: `/`-separated segments of
 * `[A-Za-z0-9._-]`, no empty, `.` or `..` segment, at most 200 characters per
 * segment and 512 in all.
 */
export class InvalidBlobKeyError extends ShepherdError {
  readonly code = 'INVALID_BLOB_KEY';
  readonly kind = 'invalid_argument' as const;
}

/** A put/get argument is malformed: content type, expected sha256, range numbers or body chunk type. */
export class InvalidBlobArgumentError extends ShepherdError {
  readonly code = 'INVALID_BLOB_ARGUMENT';
  readonly kind = 'invalid_argument' as const;
}

/** No blob is stored under the key. */
export class BlobNotFoundError extends ShepherdError {
  readonly code = 'BLOB_NOT_FOUND';
  readonly kind = 'not_found' as const;
}

/**
 * The requested range starts at or beyond the end of the blob. `size` is the
 * blob's size, so an HTTP layer can answer 416 with `Content-Range: bytes *\/size`.
 */
export class BlobRangeError extends ShepherdError {
  readonly code = 'BLOB_RANGE_NOT_SATISFIABLE';
  readonly kind = 'invalid_argument' as const;

  constructor(
    message: string,
    readonly size: number,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** The body's sha256 differs from the `expectedSha256` the caller gave; nothing was stored. */
export class BlobIntegrityError extends ShepherdError {
  readonly code = 'BLOB_INTEGRITY_MISMATCH';
  readonly kind = 'invalid_argument' as const;
}

/** The body is larger than the store's `maxBytes`; nothing was stored. */
export class BlobTooLargeError extends ShepherdError {
  readonly code = 'BLOB_TOO_LARGE';
  readonly kind = 'payload_too_large' as const;
}

/** A stored object lacks valid Shepherd metadata (damaged file, or an object written by something else). */
export class BlobCorruptError extends ShepherdError {
  readonly code = 'BLOB_CORRUPT';
  readonly kind = 'internal' as const;
}

/** The backend (S3 endpoint) cannot be reached, timed out or failed on its side; retry later. */
export class BlobUnavailableError extends ShepherdError {
  readonly code = 'BLOB_STORE_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
}

/** The options or URL given to a blob store factory are invalid; raised once, at start-up. */
export class BlobStoreConfigError extends ShepherdError {
  readonly code = 'BLOB_STORE_CONFIG_INVALID';
  readonly kind = 'invalid_argument' as const;
}
