/** Name of the reserved config-map entry that carries the signature envelope. */
export const SIGNATURE_ENTRY_NAME = 'shepherd.signature.json';

/** Content type of the reserved signature entry. */
export const SIGNATURE_CONTENT_TYPE = 'application/vnd.shepherd.signature+json';

/** Envelope format version this lib writes and accepts. */
export const ENVELOPE_VERSION = 1;

/** The only signature algorithm this lib writes and accepts. */
export const SIGNATURE_ALG = 'Ed25519';

/** Domain-separation prefix: the signature covers `prefix + configHash` as ASCII bytes. */
export const SIGNING_PREFIX = 'shepherd-config-v1:';

/** Upper bound on the envelope body an agent will parse; real envelopes are ~300 bytes. */
export const MAX_ENVELOPE_BYTES = 4096;

/** The JSON body of the signature entry (format version 1). */
export interface SignatureEnvelope {
  readonly v: 1;
  readonly alg: 'Ed25519';
  /** First 16 hex characters of sha256 over the signer's SPKI DER public key. */
  readonly keyId: string;
  /** Lower-case hex config hash over every entry except the signature entry. */
  readonly configHash: string;
  /** base64url (no padding) Ed25519 signature over {@link signedBytes}(configHash). */
  readonly signature: string;
  /** When the server signed, ISO 8601; informational, not covered by the signature. */
  readonly signedAt: string;
}

/** One config-map entry as the signature entry is attached: name, content type and body. */
export interface SignatureEntry {
  readonly name: typeof SIGNATURE_ENTRY_NAME;
  readonly contentType: typeof SIGNATURE_CONTENT_TYPE;
  readonly body: Uint8Array;
}

const HEX = /^(?:[0-9a-f]{2})+$/;

/** True when `value` is a non-empty, even-length, lower-case hex string. */
export function isLowerHex(value: unknown): value is string {
  return typeof value === 'string' && HEX.test(value);
}

/** The exact bytes that are signed for a config hash: ASCII `shepherd-config-v1:<hex>`. */
export function signedBytes(configHashHex: string): Buffer {
  return Buffer.from(SIGNING_PREFIX + configHashHex, 'ascii');
}
