import { canonicalConfigMapEncoding, configMapHash } from '@shepherd/config-signing';
import { type ConfigFileBytes, sortAndCheckUnique } from './config-files.js';

/**
 * The canonical encoding of an AgentConfigMap that the config hash covers
 * (`canonicalConfigMapEncoding` of libs/config-signing, which agents share), after refusing
 * duplicate names.
 * @throws InvalidConfigError when two files share a name
 */
export function canonicalConfigEncoding(files: readonly ConfigFileBytes[]): Buffer {
  return canonicalConfigMapEncoding(sortAndCheckUnique(files));
}

/**
 * The config hash: sha256 of {@link canonicalConfigEncoding}, as 64 lower-case hex characters
 * (the store's form; the wire carries the 32 raw bytes, see {@link hashToBytes}).
 * @throws InvalidConfigError when two files share a name
 */
export function configHash(files: readonly ConfigFileBytes[]): string {
  return configMapHash(sortAndCheckUnique(files));
}

/** The 32 bytes of a hex config hash, for `AgentRemoteConfig.config_hash`. */
export function hashToBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** Hex of a hash as an agent reports it; `null` for an absent or empty hash. */
export function hashToHex(bytes: Uint8Array | null | undefined): string | null {
  return bytes === null || bytes === undefined || bytes.length === 0 ? null : Buffer.from(bytes).toString('hex');
}
