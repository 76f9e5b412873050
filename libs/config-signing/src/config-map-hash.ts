import { createHash } from 'node:crypto';
import type { NamedConfigFile } from './verify-config-signature.js';

/**
 * The canonical encoding of an AgentConfigMap that the Shepherd config hash covers. For every
 * file, in UTF-8 byte order of the names: the name, the content type and the body, each as a
 * 4-byte big-endian length followed by that many bytes (names and content types as UTF-8).
 * Length prefixes make the encoding injective, so two different maps never encode alike.
 * Callers that must refuse duplicate names check them first (the server does).
 */
export function canonicalConfigMapEncoding(files: readonly NamedConfigFile[]): Buffer {
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8')));
  const parts: Buffer[] = [];
  for (const file of sorted) {
    for (const field of [Buffer.from(file.name, 'utf8'), Buffer.from(file.contentType, 'utf8'), Buffer.from(file.body)]) {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(field.length);
      parts.push(length, field);
    }
  }
  return Buffer.concat(parts);
}

/**
 * The config hash both the server and agents compute: sha256 of
 * {@link canonicalConfigMapEncoding} as 64 lower-case hex characters (the wire carries the 32
 * raw bytes). Signatures cover this value (docs/config-signing.md).
 */
export function configMapHash(files: readonly NamedConfigFile[]): string {
  return createHash('sha256').update(canonicalConfigMapEncoding(files)).digest('hex');
}
