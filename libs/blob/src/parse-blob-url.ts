import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlobStoreConfigError } from './errors.js';

/** Where a blob store lives, as parsed from a URL by {@link parseBlobUrl}. */
export type BlobLocation =
  | { readonly kind: 'fs'; readonly root: string }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      /** Key prefix without leading or trailing `/`; `''` for none. */
      readonly keyPrefix: string;
      readonly endpoint?: string;
      readonly region?: string;
      readonly forcePathStyle?: boolean;
    };

const S3_PARAMS = new Set(['endpoint', 'region', 'forcePathStyle']);

/**
 * Parses a blob store URL:
 * - `file:///abs/path` → filesystem store rooted at `/abs/path`;
 * - `s3://bucket/optional/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1&forcePathStyle=true`
 *   → S3 store (credentials come from the AWS provider chain, never the URL).
 *
 * Throws {@link BlobStoreConfigError} for another scheme, credentials or a
 * port in an s3 URL, an unknown query parameter, or `forcePathStyle` other
 * than `true`/`false`. Bucket and prefix are checked by the store factory.
 */
export function parseBlobUrl(url: string): BlobLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new BlobStoreConfigError('the blob store URL is not a valid URL', { cause: err });
  }
  if (parsed.protocol === 'file:') return parseFileUrl(parsed);
  if (parsed.protocol === 's3:') return parseS3Url(parsed);
  throw new BlobStoreConfigError(`the blob store URL must start with file:// or s3://, got ${parsed.protocol}//`);
}

function parseFileUrl(url: URL): BlobLocation {
  if (url.search !== '' || url.hash !== '') {
    throw new BlobStoreConfigError('a file:// blob store URL takes no query or fragment');
  }
  let root: string;
  try {
    root = fileURLToPath(url);
  } catch (err) {
    throw new BlobStoreConfigError('a file:// blob store URL must name a local absolute path', { cause: err });
  }
  if (!isAbsolute(root)) throw new BlobStoreConfigError('a file:// blob store URL must name an absolute path');
  return { kind: 'fs', root };
}

function parseS3Url(url: URL): BlobLocation {
  if (url.username !== '' || url.password !== '' || url.port !== '' || url.hash !== '') {
    throw new BlobStoreConfigError('an s3:// URL names only bucket, prefix and query options (no credentials or port)');
  }
  if (url.hostname === '') throw new BlobStoreConfigError('an s3:// URL must name a bucket: s3://bucket/prefix');
  for (const name of url.searchParams.keys()) {
    if (!S3_PARAMS.has(name)) throw new BlobStoreConfigError(`unknown s3:// URL parameter ${JSON.stringify(name)}`);
  }
  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  const region = url.searchParams.get('region') ?? undefined;
  const pathStyle = url.searchParams.get('forcePathStyle');
  if (pathStyle !== null && pathStyle !== 'true' && pathStyle !== 'false') {
    throw new BlobStoreConfigError(`forcePathStyle must be true or false, got ${JSON.stringify(pathStyle)}`);
  }
  return {
    kind: 's3',
    bucket: url.hostname,
    keyPrefix: url.pathname.replace(/^\/+|\/+$/g, ''),
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(region === undefined ? {} : { region }),
    ...(pathStyle === null ? {} : { forcePathStyle: pathStyle === 'true' }),
  };
}
