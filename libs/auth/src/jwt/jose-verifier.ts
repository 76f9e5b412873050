/**
 * The jose adapter: the only file that imports jose. It verifies a compact
 * JWS against a static key or a remote JWKS and maps every jose failure to
 * an {@link UnauthenticatedError} reason or {@link AuthKeysUnavailableError}.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyOptions } from 'jose';
import { AuthKeysUnavailableError, UnauthenticatedError, type UnauthenticatedReason } from '../errors.js';
import type { Claims } from '../claims.js';
import { SUPPORTED_ALGORITHMS, type VerificationKey } from './key-file.js';

/** Clock skew tolerated on `exp`, `nbf` and `iat` (seconds). */
export const CLOCK_TOLERANCE_SECONDS = 30;

/** How remote JWKS documents are fetched and cached. */
export interface JwksSettings {
  readonly url: URL;
  /** Minimum time between two fetches, also when a token names an unknown `kid`. */
  readonly cooldownMs: number;
  /** After this long the cached set is refetched before use. */
  readonly cacheMaxAgeMs: number;
  /** Fetch timeout. */
  readonly timeoutMs: number;
}

/** Checks that do not depend on where the key comes from. */
export interface ClaimChecks {
  readonly issuer?: string;
  readonly audience?: string;
}

/** Verifies a token's signature and registered claims; resolves with its claims. */
export type JwtVerifier = (token: string) => Promise<Claims>;

/** jose error codes that describe the token, mapped to our reasons. */
const TOKEN_FAILURES: Readonly<Record<string, UnauthenticatedReason>> = {
  [errors.JWTExpired.code]: 'expired',
  [errors.JWSSignatureVerificationFailed.code]: 'bad_signature',
  [errors.JWKSNoMatchingKey.code]: 'unknown_key',
  [errors.JWKSMultipleMatchingKeys.code]: 'unknown_key',
  [errors.JOSEAlgNotAllowed.code]: 'algorithm_not_allowed',
  [errors.JWSInvalid.code]: 'malformed',
  [errors.JWTInvalid.code]: 'malformed',
  [errors.JOSENotSupported.code]: 'malformed',
};

const CLAIM_FAILURES: Readonly<Record<string, UnauthenticatedReason>> = {
  iss: 'wrong_issuer',
  aud: 'wrong_audience',
  nbf: 'not_yet_valid',
};

const MESSAGES: Readonly<Record<UnauthenticatedReason, string>> = {
  missing_header: 'missing Authorization header',
  not_bearer: 'Authorization header is not a bearer token',
  malformed: 'bearer token is not a well-formed JWT',
  bad_signature: 'JWT signature does not verify',
  unknown_key: 'JWT was signed by an unknown key',
  algorithm_not_allowed: 'JWT signing algorithm is not allowed',
  expired: 'JWT has expired',
  not_yet_valid: 'JWT is not valid yet (nbf)',
  wrong_issuer: 'JWT issuer (iss) is not the expected one',
  wrong_audience: 'JWT audience (aud) is not the expected one',
  invalid_claims: 'JWT claims are invalid',
  invalid_token: 'bearer token is not valid',
};

function claimFailure(err: errors.JWTClaimValidationFailed): UnauthenticatedError {
  const reason = CLAIM_FAILURES[err.claim];
  if (reason !== undefined) return new UnauthenticatedError(reason, MESSAGES[reason], { cause: err });
  const message = err.reason === 'missing' ? `JWT has no "${err.claim}" claim` : `JWT claim "${err.claim}" is invalid`;
  return new UnauthenticatedError('invalid_claims', message, { cause: err });
}

/** Maps a failure of jwtVerify; `remote` says whether keys come from a JWKS URL. */
function mapFailure(err: unknown, remote: boolean): Error {
  if (err instanceof errors.JWTClaimValidationFailed) return claimFailure(err);
  if (err instanceof errors.JOSEError) {
    const reason = TOKEN_FAILURES[err.code];
    if (reason !== undefined) return new UnauthenticatedError(reason, MESSAGES[reason], { cause: err });
  }
  // Anything else while keys come from the network is a fetch problem
  // (timeout, connection refused, non-200, bad JSON, unusable JWK), not the caller's fault.
  if (remote) return new AuthKeysUnavailableError('cannot fetch the JWT verification keys (JWKS)', { cause: err });
  return new UnauthenticatedError('invalid_token', MESSAGES.invalid_token, { cause: err });
}

function verifyOptions(checks: ClaimChecks, algorithms: readonly string[]): JWTVerifyOptions {
  return {
    algorithms: [...algorithms],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    requiredClaims: ['exp'],
    ...(checks.issuer === undefined ? {} : { issuer: checks.issuer }),
    ...(checks.audience === undefined ? {} : { audience: checks.audience }),
  };
}

/** A verifier for tokens signed by the private half of `key`. */
export function staticKeyVerifier(key: VerificationKey, checks: ClaimChecks): JwtVerifier {
  const options = verifyOptions(checks, key.algorithms);
  return async (token) => {
    try {
      return (await jwtVerify(token, key.key, options)).payload;
    } catch (err) {
      throw mapFailure(err, false);
    }
  };
}

/**
 * A verifier whose keys come from a JWKS URL. The set is fetched on first
 * use, cached for `cacheMaxAgeMs`, and refetched (at most once per
 * `cooldownMs`) when a token names a `kid` it does not hold, which is how key
 * rotation is picked up.
 */
export function jwksVerifier(jwks: JwksSettings, checks: ClaimChecks): JwtVerifier {
  const keySet = createRemoteJWKSet(jwks.url, {
    cooldownDuration: jwks.cooldownMs,
    cacheMaxAge: jwks.cacheMaxAgeMs,
    timeoutDuration: jwks.timeoutMs,
  });
  const options = verifyOptions(checks, SUPPORTED_ALGORITHMS);
  return async (token) => {
    try {
      return (await jwtVerify(token, keySet, options)).payload;
    } catch (err) {
      throw mapFailure(err, true);
    }
  };
}
