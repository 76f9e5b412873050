import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SIGNATURE_ALG } from './envelope.js';
import { SigningKeyError } from './errors.js';

/** A loaded Ed25519 key pair with its key id. Immutable; safe to share. */
export interface SigningKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** The public half of a signing key in the forms the API serves. */
export interface PublicKeyInfo {
  readonly keyId: string;
  readonly alg: 'Ed25519';
  readonly publicKeyPem: string;
  readonly publicKeyJwk: Readonly<{ kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; alg: 'EdDSA'; use: 'sig' }>;
}

/** A freshly generated key pair as PEM text (PKCS#8 private, SPKI public). */
export interface GeneratedSigningKey {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

/**
 * The key id of an Ed25519 public key: the first 16 hex characters of sha256 over its SPKI DER
 * encoding. Stable for a key across processes and PEM re-encodings.
 */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/**
 * Reads a PEM PKCS#8 Ed25519 private key from `privateKeyFile`.
 * @throws SigningKeyError naming the file when it cannot be read, does not parse as a private
 *   key, or is not Ed25519
 */
export async function loadSigningKey(options: { readonly privateKeyFile: string }): Promise<SigningKey> {
  const file = options.privateKeyFile;
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (cause) {
    throw new SigningKeyError(`config signing key file ${file} cannot be read: ${(cause as Error).message}`, { cause });
  }
  return signingKeyFromPem(pem, file);
}

/**
 * Builds a {@link SigningKey} from PEM text (PKCS#8 Ed25519), e.g. one made by
 * {@link generateSigningKey} in development or embedded mode.
 * @param source names where the PEM came from in error messages
 * @throws SigningKeyError when the PEM is not an Ed25519 private key
 */
export function signingKeyFromPem(pem: string, source = 'PEM text'): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (cause) {
    throw new SigningKeyError(`config signing key ${source} is not a PEM private key (PKCS#8 Ed25519 expected)`, { cause });
  }
  requireEd25519(privateKey, source);
  const publicKey = createPublicKey(privateKey);
  return Object.freeze({ keyId: keyIdOf(publicKey), privateKey, publicKey });
}

/** Generates a new Ed25519 key pair as PEM; for development and embedded mode, not production. */
export function generateSigningKey(): GeneratedSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return Object.freeze({
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  });
}

/** The public half of `key` as PEM and as a JWK (RFC 8037 OKP), both carrying the key id. */
export function publicKeyInfo(key: SigningKey): PublicKeyInfo {
  const jwk = key.publicKey.export({ format: 'jwk' });
  return Object.freeze({
    keyId: key.keyId,
    alg: SIGNATURE_ALG,
    publicKeyPem: key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicKeyJwk: Object.freeze({ kty: 'OKP', crv: 'Ed25519', x: String(jwk.x), kid: key.keyId, alg: 'EdDSA', use: 'sig' }),
  } as const);
}

/**
 * Turns a verifier's trusted key (public or private KeyObject, or PEM text) into an Ed25519
 * public KeyObject.
 * @throws SigningKeyError when it does not parse or is not Ed25519
 */
export function toPublicKey(key: KeyObject | string, source: string): KeyObject {
  let publicKey: KeyObject;
  try {
    publicKey = typeof key !== 'string' && key.type === 'public' ? key : createPublicKey(key);
  } catch (cause) {
    throw new SigningKeyError(`config verification key ${source} is not a public key`, { cause });
  }
  requireEd25519(publicKey, source);
  return publicKey;
}

function requireEd25519(key: KeyObject, source: string): void {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(`config signing key ${source} is ${key.asymmetricKeyType ?? 'not asymmetric'}, not Ed25519`);
  }
}
