import { tmpdir } from 'node:os';
import { isAbsolute } from 'node:path';
import { isBlobKey } from '../blob-key.js';
import { BlobStoreConfigError } from '../errors.js';
import { resolveMaxBytes } from '../store-options.js';

/** Static S3 credentials; without them the AWS default provider chain (env vars, profiles, roles) is used. */
export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Options of {@link openS3BlobStore}. */
export interface S3BlobStoreOptions {
  /** Bucket name (must exist). */
  readonly bucket: string;
  /** Key prefix inside the bucket, `/`-separated segments like a blob key; default none. */
  readonly keyPrefix?: string;
  /** Endpoint of an S3-compatible service, e.g. `http://127.0.0.1:9000`; default AWS. */
  readonly endpoint?: string;
  /** Region; default `AWS_REGION`, else `us-east-1`. */
  readonly region?: string;
  /** Address buckets as `endpoint/bucket` instead of `bucket.endpoint` (needed by most S3-compatibles). */
  readonly forcePathStyle?: boolean;
  readonly credentials?: S3Credentials;
  /** Largest blob accepted (default 2 GiB, at most 5 GiB: one PutObject). */
  readonly maxBytes?: number;
  /** Absolute directory where streamed bodies are spooled before upload; default the OS temp dir. */
  readonly spoolDir?: string;
  /** Keys per ListObjectsV2 page, 1-1000 (default 1000). */
  readonly listPageSize?: number;
  /** TCP connect timeout (default 5_000 ms). */
  readonly connectTimeoutMs?: number;
  /** Socket inactivity timeout of a request (default 30_000 ms). */
  readonly requestTimeoutMs?: number;
}

/** Validated, frozen {@link S3BlobStoreOptions}; `keyPrefix` is `''` or ends with `/`. */
export interface ResolvedS3Options {
  readonly bucket: string;
  readonly keyPrefix: string;
  readonly endpoint?: string;
  readonly region: string;
  readonly forcePathStyle: boolean;
  readonly credentials?: S3Credentials;
  readonly maxBytes: number;
  readonly spoolDir: string;
  readonly listPageSize: number;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/** S3's limit for one PutObject. */
export const MAX_S3_PUT_BYTES = 5 * 1024 ** 3;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Validates and freezes the options; throws {@link BlobStoreConfigError} naming the bad one. */
export function resolveS3Options(options: S3BlobStoreOptions): ResolvedS3Options {
  const { bucket, keyPrefix = '', endpoint, credentials, forcePathStyle = false } = options;
  if (typeof bucket !== 'string' || !BUCKET.test(bucket)) {
    throw new BlobStoreConfigError(`invalid S3 bucket name ${JSON.stringify(bucket)}`);
  }
  const prefix = keyPrefix.replace(/\/$/, '');
  if (prefix !== '' && !isBlobKey(prefix)) {
    throw new BlobStoreConfigError(`invalid S3 key prefix ${JSON.stringify(keyPrefix)}`);
  }
  if (endpoint !== undefined) assertEndpoint(endpoint);
  const spoolDir = options.spoolDir ?? tmpdir();
  if (!isAbsolute(spoolDir)) throw new BlobStoreConfigError(`spoolDir must be absolute, got ${JSON.stringify(spoolDir)}`);
  const region = options.region ?? process.env['AWS_REGION'] ?? 'us-east-1';
  return Object.freeze({
    bucket,
    keyPrefix: prefix === '' ? '' : `${prefix}/`,
    ...(endpoint === undefined ? {} : { endpoint }),
    region,
    forcePathStyle,
    ...(credentials === undefined ? {} : { credentials: Object.freeze({ ...credentials }) }),
    maxBytes: resolveMaxBytes(options.maxBytes, MAX_S3_PUT_BYTES),
    spoolDir,
    listPageSize: listPageSize(options.listPageSize ?? 1_000),
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs ?? 5_000),
    requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs ?? 30_000),
  });
}

/** `endpoint bucket/prefix` for messages. */
export function describeLocation(options: ResolvedS3Options): string {
  return `${options.endpoint ?? 'AWS S3'} bucket ${options.bucket}${options.keyPrefix ? `/${options.keyPrefix}` : ''}`;
}

function assertEndpoint(endpoint: string): void {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new BlobStoreConfigError(`the S3 endpoint must be an http(s) URL, got ${JSON.stringify(endpoint)}`);
  }
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new BlobStoreConfigError(`${name} must be a positive integer of milliseconds, got ${String(value)}`);
  }
  return value;
}

function listPageSize(value: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > 1_000) {
    throw new BlobStoreConfigError(`listPageSize must be an integer in 1..1000, got ${String(value)}`);
  }
  return value;
}
