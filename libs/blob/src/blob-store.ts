import type { Readable } from 'node:stream';

/** What a store knows about one blob. */
export interface BlobInfo {
  /** The blob's key (see the key rule in {@link assertBlobKey}). */
  readonly key: string;
  /** Size in bytes. */
  readonly size: number;
  /** SHA-256 of the content, lower-case hex, computed by the store while writing. */
  readonly sha256: string;
  /** Media type given at put time (default `application/octet-stream`). */
  readonly contentType: string;
  /** When the current content was stored (an overwrite sets a new time). */
  readonly createdAt: Date;
}

/** A blob's content: bytes, an async iterable of byte chunks, or a Node readable stream (binary mode). */
export type BlobBody = Uint8Array | AsyncIterable<Uint8Array> | NodeJS.ReadableStream;

/** Options of {@link BlobStore.put}. */
export interface PutBlobOptions {
  /** Media type kept with the blob: 1-255 printable ASCII characters (default `application/octet-stream`). */
  readonly contentType?: string;
  /** Lower-case hex SHA-256 the body must have; when it differs nothing is stored. */
  readonly expectedSha256?: string;
}

/** Inclusive byte range, like HTTP `Range: bytes=start-end`; `end` absent or past the end means "to the end". */
export interface ByteRange {
  readonly start: number;
  readonly end?: number;
}

/** Options of {@link BlobStore.get}. */
export interface GetBlobOptions {
  readonly range?: ByteRange;
}

/** Result of {@link BlobStore.get}. The caller must consume or destroy `body`. */
export interface BlobRead {
  /** The blob's info, consistent with `body` (same version). */
  readonly info: BlobInfo;
  /** The requested bytes. */
  readonly body: Readable;
  /** The bytes actually served (inclusive, `end` clamped to the blob) when a range was requested. */
  readonly range?: { readonly start: number; readonly end: number };
}

/**
 * Port: a store of immutable-per-version binary blobs (packages) by key.
 *
 * Every method checks its key ({@link InvalidBlobKeyError}) and rejects with
 * {@link BlobUnavailableError} when the backend cannot be reached.
 */
export interface BlobStore {
  /**
   * Streams `body` into the store, computing size and SHA-256 on the way.
   * Atomic: readers see the previous content (or nothing) until the new one is
   * complete. Throws {@link BlobIntegrityError} when `expectedSha256` differs,
   * {@link BlobTooLargeError} beyond the store's `maxBytes` (reading stops
   * there), {@link InvalidBlobArgumentError} for malformed options or a
   * non-binary chunk; in every failure case nothing is stored.
   */
  put(key: string, body: BlobBody, options?: PutBlobOptions): Promise<BlobInfo>;
  /**
   * Reads a blob, or the inclusive byte range of it. Throws
   * {@link BlobNotFoundError} when absent, {@link BlobRangeError} when the
   * range starts at or past the end, {@link InvalidBlobArgumentError} for a
   * malformed range (negative, fractional, `end < start`).
   */
  get(key: string, options?: GetBlobOptions): Promise<BlobRead>;
  /** The blob's info, or `undefined` when absent. */
  head(key: string): Promise<BlobInfo | undefined>;
  /** Deletes the blob; returns whether one existed. */
  delete(key: string): Promise<boolean>;
  /**
   * Infos of every blob whose key starts with `prefix` (plain string prefix,
   * default all), in ascending key order. A blob deleted while listing may be
   * skipped.
   */
  list(prefix?: string): AsyncIterable<BlobInfo>;
}
