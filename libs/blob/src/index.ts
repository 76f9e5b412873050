/**
 * @shepherd/blob: package blobs by key, streamed in with size and SHA-256
 * computed on the way, read whole or by byte range. S3-compatible storage or
 * the local filesystem (default, under `DATA_DIR/blobs`).
 */
export type {
  BlobBody,
  BlobInfo,
  BlobRead,
  BlobStore,
  ByteRange,
  GetBlobOptions,
  PutBlobOptions,
} from './blob-store.js';
export { openBlobStore, type OpenBlobStoreOptions } from './open-blob-store.js';
export { parseBlobUrl, type BlobLocation } from './parse-blob-url.js';
export { openFsBlobStore, type FsBlobStoreOptions } from './fs/fs-blob-store.js';
export { openS3BlobStore } from './s3/s3-blob-store.js';
export { MAX_S3_PUT_BYTES, type S3BlobStoreOptions, type S3Credentials } from './s3/s3-options.js';
export { assertBlobKey, isBlobKey, MAX_BLOB_KEY_LENGTH, MAX_BLOB_SEGMENT_LENGTH } from './blob-key.js';
export { DEFAULT_CONTENT_TYPE } from './put-arguments.js';
export { DEFAULT_MAX_BLOB_BYTES } from './store-options.js';
export {
  BlobCorruptError,
  BlobIntegrityError,
  BlobNotFoundError,
  BlobRangeError,
  BlobStoreConfigError,
  BlobTooLargeError,
  BlobUnavailableError,
  InvalidBlobArgumentError,
  InvalidBlobKeyError,
} from './errors.js';
