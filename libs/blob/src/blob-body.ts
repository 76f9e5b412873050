import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { BlobBody } from './blob-store.js';
import { BlobIntegrityError, BlobTooLargeError, InvalidBlobArgumentError } from './errors.js';

/** Size and SHA-256 (lower-case hex) of a body. */
export interface BodyDigest {
  readonly size: number;
  readonly sha256: string;
}

/**
 * Writes `body` to `file` at its current position, chunk by chunk (never
 * holding more than one chunk), and returns its digest. Stops reading and
 * throws {@link BlobTooLargeError} as soon as more than `maxBytes` arrive;
 * throws {@link InvalidBlobArgumentError} for a non-binary chunk. On failure
 * the file holds a partial body: the caller discards it.
 */
export async function writeBody(body: BlobBody, file: FileHandle, maxBytes: number): Promise<BodyDigest> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of binaryChunks(body)) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(maxBytes);
    hash.update(chunk);
    await writeFully(file, chunk);
  }
  return { size, sha256: hash.digest('hex') };
}

/** Digest of an in-memory body; throws {@link BlobTooLargeError} beyond `maxBytes`. */
export function digestBytes(bytes: Uint8Array, maxBytes: number): BodyDigest {
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  return { size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Throws {@link BlobIntegrityError} when `expectedSha256` is given and differs from the digest. */
export function assertExpectedSha256(digest: BodyDigest, expectedSha256: string | undefined): void {
  if (expectedSha256 !== undefined && digest.sha256 !== expectedSha256) {
    throw new BlobIntegrityError(`body sha256 is ${digest.sha256}, expected ${expectedSha256}`);
  }
}

async function* binaryChunks(body: BlobBody): AsyncGenerator<Uint8Array> {
  if (body instanceof Uint8Array) {
    yield body;
    return;
  }
  if (typeof (body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] !== 'function') {
    throw new InvalidBlobArgumentError('body must be a Uint8Array, an async iterable of Uint8Array or a readable stream');
  }
  // Leaving this loop early (limit, error) calls return() on the iterator, which destroys a Node stream.
  for await (const chunk of body as AsyncIterable<unknown>) {
    if (!(chunk instanceof Uint8Array)) {
      throw new InvalidBlobArgumentError('body chunks must be Uint8Array (is an encoding set on the stream?)');
    }
    yield chunk;
  }
}

/** Writes all of `chunk` at the file's current position (a single write may be partial). */
export async function writeFully(file: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

function tooLarge(maxBytes: number): BlobTooLargeError {
  return new BlobTooLargeError(`the blob is larger than the limit of ${maxBytes} bytes`);
}
