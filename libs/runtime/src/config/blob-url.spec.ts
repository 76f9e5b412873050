import { describe, expect, it } from 'vitest';
import { blobUrlProblem } from './blob-url.js';

describe('BLOB_URL rules', () => {
  it.each([
    'file:///var/lib/shepherd/blobs',
    'file://localhost/var/lib/blobs',
    's3://packages',
    's3://my.bucket/eu/prod/?endpoint=http://minio:9000&region=eu-west-1&forcePathStyle=true',
    's3://r2-bucket?endpoint=https://account.r2.cloudflarestorage.com&region=auto',
  ])('accept %s', (url) => {
    expect(blobUrlProblem(url)).toBeUndefined();
  });

  it.each([
    ['file:///', 'must name a directory below /, e.g. file:///var/lib/shepherd/blobs'],
    ['file:///srv/blobs?x=1', 'must not have a query or fragment in a file:// URL'],
    ['file:///srv/blobs#top', 'must not have a query or fragment in a file:// URL'],
    ['file:///srv/a%2Fb', 'must name a local path (no encoded "/" in a file:// URL)'],
    ['s3://bucket:9000', 'must not have a port; give the endpoint as ?endpoint=https://host:port'],
    ['s3://bucket#x', 'must not have a fragment'],
    ['s3://ab', 'must name a valid S3 bucket (3-63 lowercase letters, digits, "." or "-")'],
    ['s3://bucket?region=EU%20West', 'has a region that is not like us-east-1'],
    ['/var/lib/blobs', 'must be a file:///absolute/path or s3://bucket[/prefix] URL'],
  ])('reject %s', (url, problem) => {
    expect(blobUrlProblem(url)).toBe(problem);
  });
});
