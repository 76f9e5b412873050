import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { uniqueName } from '@shepherd/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BlobStoreConfigError, BlobTooLargeError } from './errors.js';
import { openBlobStore } from './open-blob-store.js';
import { startS3rver, type TestS3 } from './s3/s3rver.test-helpers.js';

let dir: string;
let s3: TestS3;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shepherd-open-blob-'));
  s3 = await startS3rver('open-blob-store');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('openBlobStore', () => {
  it('opens the filesystem store under dataDir/blobs by default, with maxBytes', async () => {
    const dataDir = join(dir, 'data');
    const store = await openBlobStore({ dataDir, maxBytes: 4 });
    await store.put('a', Buffer.from('abcd'));
    await expect(store.put('b', Buffer.from('abcde'))).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(await readdir(join(dataDir, 'blobs'))).toEqual(['a~blob']);
  });

  it('opens the filesystem store a file URL names', async () => {
    const root = join(dir, 'elsewhere');
    const store = await openBlobStore({ url: pathToFileURL(root).href });
    await store.put('x/y', Buffer.from('z'));
    expect(await readdir(join(root, 'x'))).toEqual(['y~blob']);
  });

  it('opens the S3 store an s3 URL names, with credentials from the environment', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', s3.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', s3.credentials.secretAccessKey);
    const prefix = uniqueName('open');
    const url = `s3://${s3.bucket}/${prefix}?endpoint=${s3.endpoint}&region=us-east-1&forcePathStyle=true`;
    const store = await openBlobStore({ url });
    const info = await store.put('k', Buffer.from('via url'));
    expect(await store.head('k')).toEqual(info);
  });

  it('rejects a missing location or an unsupported URL with BlobStoreConfigError', async () => {
    await expect(openBlobStore({})).rejects.toBeInstanceOf(BlobStoreConfigError);
    await expect(openBlobStore({ url: 'gs://bucket/x', dataDir: dir })).rejects.toBeInstanceOf(BlobStoreConfigError);
    await expect(openBlobStore({ url: 's3://bucket/a%20b?endpoint=http://127.0.0.1:1' })).rejects.toBeInstanceOf(
      BlobStoreConfigError,
    );
  });
});
