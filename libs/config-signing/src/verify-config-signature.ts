import { verify, type KeyObject } from 'node:crypto';
import {
  ENVELOPE_VERSION,
  MAX_ENVELOPE_BYTES,
  SIGNATURE_ALG,
  SIGNATURE_CONTENT_TYPE,
  SIGNATURE_ENTRY_NAME,
  isLowerHex,
  signedBytes,
  type SignatureEnvelope,
} from './envelope.js';
import { keyIdOf, toPublicKey } from './signing-key.js';

/** One config-map file as an agent received it. */
export interface ConfigFileView {
  readonly body: Uint8Array;
  readonly contentType: string;
}

/** A config-map file with its name, as handed to the injected hash function. */
export interface NamedConfigFile extends ConfigFileView {
  readonly name: string;
}

/** Why a signed config was refused. Stable values; agents may log or count them. */
export type VerifyFailureReason = 'missing' | 'malformed' | 'unknown-key' | 'bad-signature' | 'hash-mismatch';

/** Outcome of {@link verifyConfigSignature}. */
export type VerifyResult =
  | { readonly ok: true; readonly keyId: string; readonly configHash: string }
  | { readonly ok: false; readonly reason: VerifyFailureReason; readonly detail: string };

/** Input of {@link verifyConfigSignature}. */
export interface VerifyConfigSignatureInput {
  /** The received config map (name → file), signature entry included. */
  readonly files: ReadonlyMap<string, ConfigFileView> | Readonly<Record<string, ConfigFileView>>;
  /** Trusted Ed25519 public keys (KeyObjects or PEM); several are allowed during key rotation. */
  readonly publicKeys: readonly (KeyObject | string)[];
  /**
   * The canonical config hash (lower-case hex) over the given files; it receives every file
   * except the signature entry. Injected so agents use the same encoding as the server.
   */
  readonly computeHash: (files: readonly NamedConfigFile[]) => string;
  /** When given (e.g. hex of `AgentRemoteConfig.config_hash`), it must equal the signed hash too. */
  readonly expectedConfigHash?: string;
}

const KEY_ID = /^[0-9a-f]{16}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ED25519_SIGNATURE_BYTES = 64;

/**
 * Checks the signature entry of a received config map. Never throws for anything the server
 * sent: every defect is a `{ ok: false, reason }` result. Checks in order: the entry exists
 * (`missing`), it parses as a version-1 Ed25519 envelope (`malformed`), its keyId names a
 * trusted key (`unknown-key`), the signature verifies over the envelope's hash
 * (`bad-signature`), and that hash equals `computeHash` over every other file and
 * `expectedConfigHash` when given (`hash-mismatch`).
 * @throws SigningKeyError when one of `publicKeys` is not an Ed25519 key (a verifier setup fault)
 */
export function verifyConfigSignature(input: VerifyConfigSignatureInput): VerifyResult {
  const trusted = new Map<string, KeyObject>();
  input.publicKeys.forEach((key, index) => {
    const publicKey = toPublicKey(key, `#${index}`);
    trusted.set(keyIdOf(publicKey), publicKey);
  });
  const entries = input.files instanceof Map ? [...input.files] : Object.entries(input.files);
  const signatureFile = entries.find(([name]) => name === SIGNATURE_ENTRY_NAME)?.[1];
  if (signatureFile === undefined) return fail('missing', `no ${SIGNATURE_ENTRY_NAME} entry in the config map`);
  const parsed = parseEnvelope(signatureFile);
  if (typeof parsed === 'string') return fail('malformed', parsed);
  const publicKey = trusted.get(parsed.keyId);
  if (publicKey === undefined) return fail('unknown-key', `key ${parsed.keyId} is not trusted`);
  const signature = Buffer.from(parsed.signature, 'base64url');
  if (!verify(null, signedBytes(parsed.configHash), publicKey, signature)) {
    return fail('bad-signature', `signature does not verify with key ${parsed.keyId}`);
  }
  const others = entries
    .filter(([name]) => name !== SIGNATURE_ENTRY_NAME)
    .map(([name, file]) => ({ name, body: file.body, contentType: file.contentType }));
  const actual = input.computeHash(others);
  if (actual !== parsed.configHash) return fail('hash-mismatch', 'config files do not match the signed hash');
  if (input.expectedConfigHash !== undefined && input.expectedConfigHash !== parsed.configHash) {
    return fail('hash-mismatch', 'config_hash does not match the signed hash');
  }
  return { ok: true, keyId: parsed.keyId, configHash: parsed.configHash };
}

/** The envelope, or a sentence saying why it is malformed. */
function parseEnvelope(file: ConfigFileView): SignatureEnvelope | string {
  if (file.contentType !== SIGNATURE_CONTENT_TYPE) return `content type is not ${SIGNATURE_CONTENT_TYPE}`;
  if (file.body.length > MAX_ENVELOPE_BYTES) return `envelope is larger than ${MAX_ENVELOPE_BYTES} bytes`;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.body));
  } catch {
    return 'envelope is not UTF-8 JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'envelope is not a JSON object';
  const e = value as Record<string, unknown>;
  if (e['v'] !== ENVELOPE_VERSION) return `unsupported envelope version ${String(e['v'])}`;
  if (e['alg'] !== SIGNATURE_ALG) return `unsupported algorithm ${String(e['alg'])}`;
  if (typeof e['keyId'] !== 'string' || !KEY_ID.test(e['keyId'])) return 'keyId is not 16 lower-case hex characters';
  if (!isLowerHex(e['configHash'])) return 'configHash is not lower-case hex';
  if (typeof e['signedAt'] !== 'string') return 'signedAt is not a string';
  const signature = e['signature'];
  if (typeof signature !== 'string' || !BASE64URL.test(signature)) return 'signature is not base64url';
  if (Buffer.from(signature, 'base64url').length !== ED25519_SIGNATURE_BYTES) return 'signature is not 64 bytes';
  return e as unknown as SignatureEnvelope;
}

function fail(reason: VerifyFailureReason, detail: string): VerifyResult {
  return { ok: false, reason, detail };
}
