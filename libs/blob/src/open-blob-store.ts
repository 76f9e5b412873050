import { join, resolve } from 'node:path';
import type { BlobStore } from './blob-store.js';
import { BlobStoreConfigError } from './errors.js';
import { openFsBlobStore } from './fs/fs-blob-store.js';
import { parseBlobUrl } from './parse-blob-url.js';
import { openS3BlobStore } from './s3/s3-blob-store.js';

/** Options of {@link openBlobStore}. */
export interface OpenBlobStoreOptions {
  /** `file:///abs/path` or `s3://bucket/prefix?…` (see {@link parseBlobUrl}); absent or empty: `dataDir/blobs`. */
  readonly url?: string;
  /** The deployment's data directory (`DATA_DIR`); required when `url` is absent. */
  readonly dataDir?: string;
  /** Largest blob accepted (default 2 GiB). */
  readonly maxBytes?: number;
}

/**
 * Opens the blob store a deployment is configured for: the URL's store, or
 * the filesystem store under `dataDir/blobs` by default.
 *
 * Throws {@link BlobStoreConfigError} for a bad URL or options (or neither
 * `url` nor `dataDir`), {@link BlobUnavailableError} when S3 cannot be reached.
 */
export async function openBlobStore(options: OpenBlobStoreOptions): Promise<BlobStore> {
  const { url, dataDir, maxBytes } = options;
  if (url === undefined || url === '') {
    if (dataDir === undefined || dataDir === '') {
      throw new BlobStoreConfigError('a blob store needs a URL or a data directory');
    }
    return openFsBlobStore({ root: join(resolve(dataDir), 'blobs'), maxBytes });
  }
  const location = parseBlobUrl(url);
  if (location.kind === 'fs') return openFsBlobStore({ root: location.root, maxBytes });
  const { kind: _kind, ...s3 } = location;
  return openS3BlobStore({ ...s3, maxBytes });
}
