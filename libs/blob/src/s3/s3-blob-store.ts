import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type GetObjectCommandOutput,
  type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { assertBlobKey, assertBlobPrefix, isBlobKey } from '../blob-key.js';
import { assertExpectedSha256, digestBytes, writeBody, type BodyDigest } from '../blob-body.js';
import { assertRange } from '../blob-range.js';
import type { BlobBody, BlobInfo, BlobRead, BlobStore, GetBlobOptions, PutBlobOptions } from '../blob-store.js';
import {
  BlobCorruptError,
  BlobNotFoundError,
  BlobRangeError,
  BlobStoreConfigError,
  BlobUnavailableError,
} from '../errors.js';
import { resolvePutOptions } from '../put-arguments.js';
import { withSpoolFile } from '../spool-file.js';
import { describeLocation, resolveS3Options, type ResolvedS3Options, type S3BlobStoreOptions } from './s3-options.js';

const SHA256_META = 'sha256';
const CREATED_AT_META = 'created-at';
// HEADs in flight while listing: list needs per-object metadata that ListObjectsV2 does not return.
const HEAD_CONCURRENCY = 8;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Opens the S3 blob store and checks that the bucket is reachable (HeadBucket).
 *
 * Objects live at `keyPrefix + key` with the sha256 and creation time as user
 * metadata. A streamed body is spooled to a temp file under `spoolDir` while
 * it is hashed and size-checked, then sent with one PutObject, so nothing
 * reaches S3 unless the whole body is valid and S3 never holds a partial
 * object. Checksums of the new AWS SDKs are only sent when S3 requires them,
 * which keeps S3-compatible servers working.
 *
 * Throws {@link BlobStoreConfigError} for invalid options, a missing bucket or
 * denied access; {@link BlobUnavailableError} when the endpoint cannot be reached.
 */
export async function openS3BlobStore(options: S3BlobStoreOptions): Promise<BlobStore> {
  const resolved = resolveS3Options(options);
  const client = new S3Client({
    region: resolved.region,
    forcePathStyle: resolved.forcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: resolved.connectTimeoutMs, requestTimeout: resolved.requestTimeoutMs },
    ...(resolved.endpoint === undefined ? {} : { endpoint: resolved.endpoint }),
    // A fresh object: the SDK annotates credentials in place and our options are frozen.
    ...(resolved.credentials === undefined ? {} : { credentials: { ...resolved.credentials } }),
  });
  try {
    await client.send(new HeadBucketCommand({ Bucket: resolved.bucket }));
  } catch (err) {
    client.destroy();
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const where = describeLocation(resolved);
    if (status === 404) throw new BlobStoreConfigError(`${where} does not exist`, { cause: err });
    if (status === 403 || status === 401) throw new BlobStoreConfigError(`access to ${where} is denied`, { cause: err });
    throw new BlobUnavailableError(`cannot reach ${where}: ${(err as Error).message}`, { cause: err });
  }
  return new S3BlobStore(client, resolved);
}

class S3BlobStore implements BlobStore {
  readonly #client: S3Client;
  readonly #options: ResolvedS3Options;

  constructor(client: S3Client, options: ResolvedS3Options) {
    this.#client = client;
    this.#options = options;
  }

  async put(key: string, body: BlobBody, options?: PutBlobOptions): Promise<BlobInfo> {
    assertBlobKey(key);
    const { contentType, expectedSha256 } = resolvePutOptions(options);
    if (body instanceof Uint8Array) {
      const digest = digestBytes(body, this.#options.maxBytes);
      assertExpectedSha256(digest, expectedSha256);
      return this.#putObject(key, body, digest, contentType);
    }
    return withSpoolFile(this.#options.spoolDir, async (file, path) => {
      const digest = await writeBody(body, file, this.#options.maxBytes);
      assertExpectedSha256(digest, expectedSha256);
      await file.close();
      const stream = createReadStream(path);
      try {
        return await this.#putObject(key, stream, digest, contentType);
      } finally {
        // A request that failed before reading the stream would otherwise keep its descriptor open.
        stream.destroy();
      }
    });
  }

  async get(key: string, options: GetBlobOptions = {}): Promise<BlobRead> {
    assertBlobKey(key);
    const { range } = options;
    if (range) assertRange(range);
    let output: GetObjectCommandOutput;
    try {
      output = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.#options.bucket,
          Key: this.#objectKey(key),
          ...(range ? { Range: `bytes=${range.start}-${range.end ?? ''}` } : {}),
        }),
      );
    } catch (err) {
      throw await this.#getError(key, err);
    }
    const body = output.Body;
    if (!(body instanceof Readable)) throw new BlobUnavailableError(`S3 returned no body stream for ${key}`);
    try {
      if (!range) return { info: this.#info(key, output, output.ContentLength), body };
      const served = parseContentRange(output.ContentRange);
      if (!served) throw new BlobUnavailableError(`${describeLocation(this.#options)} ignored the Range of ${key}`);
      // Some S3-compatible servers (s3rver) answer 206 "bytes 0-0/0" instead of 416 for an empty object.
      if (served.start >= served.size) {
        throw new BlobRangeError(`the requested range is outside the ${served.size} bytes of ${key}`, served.size);
      }
      return { info: this.#info(key, output, served.size), body, range: { start: served.start, end: served.end } };
    } catch (err) {
      body.destroy();
      throw err;
    }
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    assertBlobKey(key);
    return this.#head(key);
  }

  async delete(key: string): Promise<boolean> {
    assertBlobKey(key);
    // DeleteObject does not say whether the object existed; HEAD first (racing deletes may both answer true).
    const existed = (await this.#head(key)) !== undefined;
    if (!existed) return false;
    await this.#call(() =>
      this.#client.send(new DeleteObjectCommand({ Bucket: this.#options.bucket, Key: this.#objectKey(key) })),
    );
    return true;
  }

  async *list(prefix = ''): AsyncIterable<BlobInfo> {
    assertBlobPrefix(prefix);
    let continuationToken: string | undefined;
    do {
      const request = new ListObjectsV2Command({
        Bucket: this.#options.bucket,
        Prefix: this.#objectKey(prefix),
        MaxKeys: this.#options.listPageSize,
        ...(continuationToken ? { ContinuationToken: continuationToken } : {}),
      });
      const page = await this.#call(() => this.#client.send(request));
      const keys = (page.Contents ?? [])
        .map((object) => (object.Key ?? '').slice(this.#options.keyPrefix.length))
        .filter((key) => isBlobKey(key))
        // AWS lists in key order already; some S3-compatible servers (s3rver) do not, at least within a page.
        .sort();
      for (let i = 0; i < keys.length; i += HEAD_CONCURRENCY) {
        const infos = await Promise.all(keys.slice(i, i + HEAD_CONCURRENCY).map((key) => this.#head(key)));
        for (const info of infos) if (info) yield info;
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async #putObject(
    key: string,
    body: Uint8Array | Readable,
    digest: BodyDigest,
    contentType: string,
  ): Promise<BlobInfo> {
    const createdAt = new Date();
    const request = new PutObjectCommand({
      Bucket: this.#options.bucket,
      Key: this.#objectKey(key),
      Body: body,
      ContentLength: digest.size,
      ContentType: contentType,
      Metadata: { [SHA256_META]: digest.sha256, [CREATED_AT_META]: createdAt.toISOString() },
    });
    await this.#call(() => this.#client.send(request));
    return { key, ...digest, contentType, createdAt };
  }

  async #head(key: string): Promise<BlobInfo | undefined> {
    let output: HeadObjectCommandOutput;
    try {
      output = await this.#client.send(new HeadObjectCommand({ Bucket: this.#options.bucket, Key: this.#objectKey(key) }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw this.#translate(err);
    }
    return this.#info(key, output, output.ContentLength);
  }

  #info(key: string, output: HeadObjectCommandOutput | GetObjectCommandOutput, size: number | undefined): BlobInfo {
    const sha256 = output.Metadata?.[SHA256_META];
    const createdAt = new Date(output.Metadata?.[CREATED_AT_META] ?? output.LastModified ?? Number.NaN);
    if (sha256 === undefined || !SHA256_HEX.test(sha256) || size === undefined || Number.isNaN(createdAt.getTime())) {
      throw new BlobCorruptError(`S3 object ${this.#objectKey(key)} lacks Shepherd blob metadata`);
    }
    return { key, size, sha256, contentType: output.ContentType ?? 'application/octet-stream', createdAt };
  }

  async #getError(key: string, err: unknown): Promise<unknown> {
    if (isNotFound(err)) return new BlobNotFoundError(`no blob ${key}`, { cause: err });
    const { name, $metadata, ActualObjectSize } = err as S3ErrorShape;
    if (name !== 'InvalidRange' && $metadata?.httpStatusCode !== 416) return this.#translate(err);
    const size = Number(ActualObjectSize ?? (await this.#head(key))?.size ?? 0);
    return new BlobRangeError(`the requested range is outside the ${size} bytes of ${key}`, size, { cause: err });
  }

  async #call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw this.#translate(err);
    }
  }

  /** Backend failures a retry may cure become {@link BlobUnavailableError}; anything else is rethrown as is. */
  #translate(err: unknown): unknown {
    const { $metadata, $retryable, name } = err as S3ErrorShape;
    const status = $metadata?.httpStatusCode;
    if (status === undefined || status >= 500 || $retryable !== undefined || name === 'NoSuchBucket') {
      const reason = err instanceof Error ? err.message : String(err);
      return new BlobUnavailableError(`${describeLocation(this.#options)} failed: ${reason}`, { cause: err });
    }
    return err;
  }

  #objectKey(key: string): string {
    return this.#options.keyPrefix + key;
  }
}

interface S3ErrorShape {
  name?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  ActualObjectSize?: string | number;
}

function isNotFound(err: unknown): boolean {
  const { name, $metadata } = err as S3ErrorShape;
  return name === 'NoSuchKey' || name === 'NotFound' || ($metadata?.httpStatusCode === 404 && name !== 'NoSuchBucket');
}

function parseContentRange(header: string | undefined): { start: number; end: number; size: number } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header ?? '');
  if (!match) return undefined;
  return { start: Number(match[1]), end: Number(match[2]), size: Number(match[3]) };
}
