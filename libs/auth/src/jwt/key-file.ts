import { readFile } from 'node:fs/promises';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { AuthConfigError } from '../errors.js';

/** JWS algorithms this project verifies, by key type (RFC 7518 / RFC 8037 names). */
export const SUPPORTED_ALGORITHMS = Object.freeze(['RS256', 'ES256', 'EdDSA', 'Ed25519'] as const);

/** A JWS algorithm name accepted by Shepherd. */
export type JwsAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];

/** A public key read from a file and the algorithms it may verify. */
export interface VerificationKey {
  readonly key: KeyObject;
  readonly algorithms: readonly JwsAlgorithm[];
}

/** RSA keys below this size are refused (NIST SP 800-131A). */
const MIN_RSA_BITS = 2048;

function algorithmsFor(key: KeyObject, path: string): readonly JwsAlgorithm[] {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) throw new AuthConfigError(`${path}: RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required`);
    return ['RS256'];
  }
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return ['ES256'];
  // jose v6 names Ed25519 signatures either way: the registered 'EdDSA' and the newer 'Ed25519'.
  if (type === 'ed25519') return ['EdDSA', 'Ed25519'];
  const curve = key.asymmetricKeyDetails?.namedCurve;
  throw new AuthConfigError(
    `${path}: unsupported key type ${type ?? 'unknown'}${curve ? ` (${curve})` : ''}; use RSA (RS256), P-256 (ES256) or Ed25519 (EdDSA)`,
  );
}

/**
 * Reads a PEM public key (SPKI, `BEGIN PUBLIC KEY`) or an X.509 certificate
 * (`BEGIN CERTIFICATE`, its subject key is used) and decides which JWS
 * algorithms it verifies: RSA ≥ 2048 bits → RS256, P-256 → ES256, Ed25519 → EdDSA.
 * @throws {AuthConfigError} when the file cannot be read, holds a private key,
 *   is not a PEM public key or certificate, or holds another key type.
 */
export async function readVerificationKey(path: string): Promise<VerificationKey> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    throw new AuthConfigError(`cannot read JWT key file ${path}`, { cause: err });
  }
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new AuthConfigError(`${path} holds a private key; give the public key or certificate only`);
  }
  if (!/-----BEGIN (PUBLIC KEY|CERTIFICATE)-----/.test(pem)) {
    throw new AuthConfigError(`${path} is neither a PEM public key (SPKI) nor a PEM X.509 certificate`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new AuthConfigError(`${path}: cannot parse the PEM key or certificate`, { cause: err });
  }
  return Object.freeze({ key, algorithms: Object.freeze(algorithmsFor(key, path)) });
}
