import { describe, expect, it } from 'vitest';
import { BlobStoreConfigError } from './errors.js';
import { parseBlobUrl } from './parse-blob-url.js';

describe('parseBlobUrl', () => {
  it('parses a file URL into a filesystem root', () => {
    expect(parseBlobUrl('file:///var/lib/shepherd/blobs')).toEqual({ kind: 'fs', root: '/var/lib/shepherd/blobs' });
  });

  it('parses an s3 URL with bucket, prefix and query options', () => {
    expect(
      parseBlobUrl('s3://packages/prod/blobs/?endpoint=http://127.0.0.1:9000&region=eu-west-1&forcePathStyle=true'),
    ).toEqual({
      kind: 's3',
      bucket: 'packages',
      keyPrefix: 'prod/blobs',
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      forcePathStyle: true,
    });
    expect(parseBlobUrl('s3://packages')).toEqual({ kind: 's3', bucket: 'packages', keyPrefix: '' });
  });

  it('rejects other schemes, credentials, unknown options and bad flags', () => {
    for (const url of [
      'http://example.com/blobs',
      'not a url',
      's3://key:secret@bucket/x',
      's3://bucket:9000/x',
      's3://bucket/x?endpont=http://typo',
      's3://bucket/x?forcePathStyle=yes',
      'file:///tmp/x?y=1',
      'file://remote-host/share',
    ]) {
      expect(() => parseBlobUrl(url), url).toThrow(BlobStoreConfigError);
    }
  });
});
