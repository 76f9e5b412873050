import { fileURLToPath } from 'node:url';

/**
 * Validation of `BLOB_URL`: where package blobs live. Either
 * `file:///absolute/dir` or
 * `s3://bucket[/prefix]?endpoint=https://host&region=r&forcePathStyle=true`
 * (all S3 parameters optional). Credentials never go in the URL: the S3 client
 * reads them from its usual sources (AWS_ACCESS_KEY_ID, ...). The blob lib
 * parses the URL (`@shepherd/blob` parseBlobUrl); these rules are at least as
 * strict, so a value accepted at start-up never fails there.
 */

const S3_PARAMS = ['endpoint', 'region', 'forcePathStyle'] as const;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9-]+$/;
const EXPECTED = 'must be a file:///absolute/path or s3://bucket[/prefix] URL';

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function fileProblem(url: URL): string | undefined {
  if (url.hostname !== '' && url.hostname !== 'localhost') {
    return 'must be a file:///absolute/path URL (three slashes; a relative path is not allowed)';
  }
  if (url.search !== '' || url.hash !== '') return 'must not have a query or fragment in a file:// URL';
  try {
    fileURLToPath(url);
  } catch {
    return 'must name a local path (no encoded "/" in a file:// URL)';
  }
  return url.pathname === '/' ? 'must name a directory below /, e.g. file:///var/lib/shepherd/blobs' : undefined;
}

function s3ParamsProblem(params: URLSearchParams): string | undefined {
  for (const key of params.keys()) {
    if (!(S3_PARAMS as readonly string[]).includes(key)) {
      return `has unknown parameter "${key}" (allowed: ${S3_PARAMS.join(', ')})`;
    }
  }
  const endpoint = params.get('endpoint');
  const endpointUrl = endpoint === null ? undefined : parseUrl(endpoint);
  if (endpoint !== null && (!endpointUrl || !/^https?:$/.test(endpointUrl.protocol) || !endpointUrl.hostname)) {
    return 'has an endpoint that is not an http:// or https:// URL with a host';
  }
  const region = params.get('region');
  if (region !== null && !REGION.test(region)) return 'has a region that is not like us-east-1';
  const pathStyle = params.get('forcePathStyle');
  if (pathStyle !== null && pathStyle !== 'true' && pathStyle !== 'false') {
    return 'has forcePathStyle other than true or false';
  }
  return undefined;
}

function s3Problem(url: URL): string | undefined {
  if (url.username !== '' || url.password !== '') {
    return 'must not contain credentials; the S3 client reads them from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY';
  }
  if (!BUCKET.test(url.hostname)) return 'must name a valid S3 bucket (3-63 lowercase letters, digits, "." or "-")';
  if (url.port !== '') return 'must not have a port; give the endpoint as ?endpoint=https://host:port';
  if (url.hash !== '') return 'must not have a fragment';
  return s3ParamsProblem(url.searchParams);
}

/** Problem with `value` as a `BLOB_URL`, or `undefined` when it is valid. Never echoes the value. */
export function blobUrlProblem(value: string): string | undefined {
  const url = parseUrl(value);
  if (url?.protocol === 'file:') return fileProblem(url);
  if (url?.protocol === 's3:') return s3Problem(url);
  return EXPECTED;
}
