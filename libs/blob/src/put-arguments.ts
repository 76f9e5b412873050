import type { PutBlobOptions } from './blob-store.js';
import { InvalidBlobArgumentError } from './errors.js';

/** Content type used when a put names none. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

const CONTENT_TYPE = /^[\x21-\x7e][\x20-\x7e]{0,254}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Validated put options with defaults applied. */
export interface ResolvedPutOptions {
  readonly contentType: string;
  readonly expectedSha256?: string;
}

/**
 * Validates put options: content type of 1-255 printable ASCII characters
 * (it travels in HTTP headers), expected sha256 as 64 lower-case hex digits.
 * Throws {@link InvalidBlobArgumentError}.
 */
export function resolvePutOptions(options: PutBlobOptions = {}): ResolvedPutOptions {
  const { contentType = DEFAULT_CONTENT_TYPE, expectedSha256 } = options;
  if (typeof contentType !== 'string' || !CONTENT_TYPE.test(contentType)) {
    throw new InvalidBlobArgumentError('contentType must be 1-255 printable ASCII characters');
  }
  if (expectedSha256 !== undefined && (typeof expectedSha256 !== 'string' || !SHA256_HEX.test(expectedSha256))) {
    throw new InvalidBlobArgumentError('expectedSha256 must be 64 lower-case hex digits');
  }
  return expectedSha256 === undefined ? { contentType } : { contentType, expectedSha256 };
}
