import { uniqueName } from '@shepherd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobContract } from '../blob.contract.js';
import { BlobStoreConfigError, BlobUnavailableError } from '../errors.js';
import { openS3BlobStore } from './s3-blob-store.js';
import { startS3rver, type TestS3 } from './s3rver.test-helpers.js';

let s3: TestS3;

beforeAll(async () => {
  s3 = await startS3rver('shepherd-blobs');
});

afterAll(async () => {
  await s3?.stop();
});

function options(extra: { keyPrefix?: string; maxBytes?: number; bucket?: string; listPageSize?: number } = {}) {
  return {
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: s3.credentials,
    ...extra,
  };
}

blobContract('s3', {
  // Each store gets its own key prefix in the shared bucket, so stores never see each other's blobs.
  open: (extra = {}) => openS3BlobStore(options({ keyPrefix: `t/${uniqueName('blob')}`, ...extra })),
});

describe('s3 blob store', () => {
  it('keeps blobs under the key prefix, invisible to other prefixes', async () => {
    const a = await openS3BlobStore(options({ keyPrefix: `t/${uniqueName('a')}` }));
    const b = await openS3BlobStore(options({ keyPrefix: `t/${uniqueName('b')}/` }));
    await a.put('same/key', Buffer.from('from a'));
    expect(await b.head('same/key')).toBeUndefined();
    const keys: string[] = [];
    for await (const info of b.list()) keys.push(info.key);
    expect(keys).toEqual([]);
  });

  it('lists across ListObjectsV2 pages', async () => {
    const store = await openS3BlobStore(options({ keyPrefix: `t/${uniqueName('pages')}`, listPageSize: 2 }));
    const keys = ['p/1', 'p/2', 'p/3', 'p/4', 'p/5', 'q/1'];
    for (const key of keys) await store.put(key, Buffer.from(key));
    const listed: string[] = [];
    for await (const info of store.list('p/')) listed.push(info.key);
    expect(listed).toEqual(keys.slice(0, 5));
  });

  it('refuses a missing bucket with BlobStoreConfigError at open', async () => {
    await expect(openS3BlobStore(options({ bucket: 'no-such-bucket' }))).rejects.toBeInstanceOf(BlobStoreConfigError);
  });

  it('fails fast with BlobUnavailableError when the endpoint is unreachable', async () => {
    const startedAt = Date.now();
    const opening = openS3BlobStore({ ...options(), endpoint: 'http://127.0.0.1:1' });
    await expect(opening).rejects.toBeInstanceOf(BlobUnavailableError);
    await expect(opening).rejects.toThrow(/127\.0\.0\.1:1/);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });

  it('rejects invalid options with BlobStoreConfigError', async () => {
    await expect(openS3BlobStore(options({ bucket: 'Bad_Bucket' }))).rejects.toBeInstanceOf(BlobStoreConfigError);
    await expect(openS3BlobStore(options({ keyPrefix: '../x' }))).rejects.toBeInstanceOf(BlobStoreConfigError);
    await expect(openS3BlobStore(options({ maxBytes: 6 * 1024 ** 3 }))).rejects.toBeInstanceOf(BlobStoreConfigError);
    await expect(openS3BlobStore(options({ listPageSize: 1_001 }))).rejects.toBeInstanceOf(BlobStoreConfigError);
    await expect(openS3BlobStore({ ...options(), endpoint: 'ftp://x' })).rejects.toBeInstanceOf(BlobStoreConfigError);
  });
});
