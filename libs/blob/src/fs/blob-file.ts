import type { FileHandle } from 'node:fs/promises';
import { BlobCorruptError } from '../errors.js';

/**
 * On-disk layout of one blob: `content | metadata JSON | u32 BE JSON length | MAGIC`.
 *
 * Metadata lives in the same file as the content (a trailer, not a sidecar)
 * so that one rename publishes both together: a reader can never pair new
 * content with old metadata during an overwrite, and one open file handle
 * serves a consistent version even if the key is replaced meanwhile.
 */
const MAGIC = Buffer.from('SHPBLOB1', 'ascii');
const FOOTER_LENGTH = 4 + MAGIC.length;
// Metadata is a handful of short fields; anything bigger means the file is not ours.
const MAX_METADATA_LENGTH = 4096;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Metadata kept in a blob file's trailer. */
export interface BlobFileMetadata {
  readonly size: number;
  readonly sha256: string;
  readonly contentType: string;
  readonly createdAt: Date;
}

/** The bytes to append after the content. */
export function encodeTrailer(metadata: BlobFileMetadata): Buffer {
  const json = Buffer.from(
    JSON.stringify({
      v: 1,
      size: metadata.size,
      sha256: metadata.sha256,
      contentType: metadata.contentType,
      createdAt: metadata.createdAt.toISOString(),
    }),
  );
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([json, length, MAGIC]);
}

/**
 * Reads the trailer of an open blob file. The content is bytes `0..size-1`.
 * Throws {@link BlobCorruptError} (naming `path`) when the trailer is missing
 * or inconsistent.
 */
export async function readTrailer(file: FileHandle, path: string): Promise<BlobFileMetadata> {
  const total = (await file.stat()).size;
  const corrupt = (why: string): BlobCorruptError => new BlobCorruptError(`blob file ${path} is corrupt: ${why}`);
  if (total < FOOTER_LENGTH) throw corrupt('too short');
  const footer = await readExactly(file, total - FOOTER_LENGTH, FOOTER_LENGTH);
  if (!footer.subarray(4).equals(MAGIC)) throw corrupt('no trailer');
  const jsonLength = footer.readUInt32BE(0);
  if (jsonLength > MAX_METADATA_LENGTH || jsonLength > total - FOOTER_LENGTH) throw corrupt('bad trailer length');
  const contentSize = total - FOOTER_LENGTH - jsonLength;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse((await readExactly(file, contentSize, jsonLength)).toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new BlobCorruptError(`blob file ${path} is corrupt: unreadable trailer`, { cause: err });
  }
  const { size, sha256, contentType, createdAt } = parsed;
  const created = new Date(typeof createdAt === 'string' ? createdAt : Number.NaN);
  if (size !== contentSize || typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) throw corrupt('bad size or sha256');
  if (typeof contentType !== 'string' || Number.isNaN(created.getTime())) throw corrupt('bad content type or date');
  return { size: contentSize, sha256, contentType, createdAt: created };
}

async function readExactly(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let offset = 0;
  while (offset < length) {
    const { bytesRead } = await file.read(buffer, offset, length - offset, position + offset);
    if (bytesRead === 0) throw new BlobCorruptError('blob file ended early');
    offset += bytesRead;
  }
  return buffer;
}
