/**
 * @shepherd/config-signing: Ed25519 signatures for agent remote configs. The server signs the
 * config hash and attaches the envelope as a reserved config-map entry; agents verify it with
 * the published public key(s). See docs/config-signing.md.
 */
export {
  SIGNATURE_ENTRY_NAME,
  SIGNATURE_CONTENT_TYPE,
  SIGNING_PREFIX,
  MAX_ENVELOPE_BYTES,
  signedBytes,
  type SignatureEnvelope,
  type SignatureEntry,
} from './envelope.js';
export { SigningKeyError, ConfigHashInvalidError } from './errors.js';
export {
  loadSigningKey,
  signingKeyFromPem,
  generateSigningKey,
  publicKeyInfo,
  keyIdOf,
  type SigningKey,
  type PublicKeyInfo,
  type GeneratedSigningKey,
} from './signing-key.js';
export { signConfig, type SignConfigOptions } from './sign-config.js';
export { canonicalConfigMapEncoding, configMapHash } from './config-map-hash.js';
export {
  verifyConfigSignature,
  type ConfigFileView,
  type NamedConfigFile,
  type VerifyConfigSignatureInput,
  type VerifyFailureReason,
  type VerifyResult,
} from './verify-config-signature.js';
