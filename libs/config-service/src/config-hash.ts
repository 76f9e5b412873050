import { createHash } from 'node:crypto';
import { type ConfigFileBytes, sortAndCheckUnique } from './config-files.js';

/**
 * The canonical encoding of an AgentConfigMap that the config hash covers. For every file, in
 * UTF-8 byte order of the names: the name, the content type and the body, each as a 4-byte
 * big-endian length followed by that many bytes (names and content types as UTF-8). Length
 * prefixes make the encoding injective, so two different maps never encode alike.
 * @throws InvalidConfigError when two files share a name
 */
export function canonicalConfigEncoding(files: readonly ConfigFileBytes[]): Buffer {
  const parts: Buffer[] = [];
  for (const file of sortAndCheckUnique(files)) {
    for (const field of [Buffer.from(file.name, 'utf8'), Buffer.from(file.contentType, 'utf8'), Buffer.from(file.body)]) {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(field.length);
      parts.push(length, field);
    }
  }
  return Buffer.concat(parts);
}

/**
 * The config hash: sha256 of {@link canonicalConfigEncoding}, as 64 lower-case hex characters
 * (the store's form; the wire carries the 32 raw bytes, see {@link hashToBytes}).
 * @throws InvalidConfigError when two files share a name
 */
export function configHash(files: readonly ConfigFileBytes[]): string {
  return createHash('sha256').update(canonicalConfigEncoding(files)).digest('hex');
}

/** The 32 bytes of a hex config hash, for `AgentRemoteConfig.config_hash`. */
export function hashToBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** Hex of a hash as an agent reports it; `null` for an absent or empty hash. */
export function hashToHex(bytes: Uint8Array | null | undefined): string | null {
  return bytes === null || bytes === undefined || bytes.length === 0 ? null : Buffer.from(bytes).toString('hex');
}
