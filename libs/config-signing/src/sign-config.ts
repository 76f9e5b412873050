import { sign } from 'node:crypto';
import {
  ENVELOPE_VERSION,
  SIGNATURE_ALG,
  SIGNATURE_CONTENT_TYPE,
  SIGNATURE_ENTRY_NAME,
  isLowerHex,
  signedBytes,
  type SignatureEntry,
  type SignatureEnvelope,
} from './envelope.js';
import { ConfigHashInvalidError } from './errors.js';
import type { SigningKey } from './signing-key.js';

/** Options of {@link signConfig}. */
export interface SignConfigOptions {
  /** Clock for `signedAt`; defaults to now. */
  readonly now?: () => Date;
}

/**
 * Signs a config hash and returns the reserved config-map entry to add to the offered config.
 * `configHashHex` must be the hash over every entry of the map EXCEPT the signature entry (the
 * same hash as the stored version and as `AgentRemoteConfig.config_hash`). The signature is
 * deterministic (Ed25519); only `signedAt` varies between calls.
 * @throws ConfigHashInvalidError when `configHashHex` is not non-empty lower-case hex
 */
export function signConfig(key: SigningKey, configHashHex: string, options: SignConfigOptions = {}): SignatureEntry {
  if (!isLowerHex(configHashHex)) {
    throw new ConfigHashInvalidError('config hash to sign must be non-empty lower-case hex');
  }
  const envelope: SignatureEnvelope = {
    v: ENVELOPE_VERSION,
    alg: SIGNATURE_ALG,
    keyId: key.keyId,
    configHash: configHashHex,
    signature: sign(null, signedBytes(configHashHex), key.privateKey).toString('base64url'),
    signedAt: (options.now?.() ?? new Date()).toISOString(),
  };
  return Object.freeze({
    name: SIGNATURE_ENTRY_NAME,
    contentType: SIGNATURE_CONTENT_TYPE,
    body: new TextEncoder().encode(JSON.stringify(envelope)),
  });
}
