import { ShepherdError, type ShepherdErrorOptions } from '@shepherd/errors';

/**
 * Why a bearer credential was refused. Stable values: callers may log or
 * count them; the human-readable `message` may change.
 */
export type UnauthenticatedReason =
  | 'missing_header'
  | 'not_bearer'
  | 'malformed'
  | 'bad_signature'
  | 'unknown_key'
  | 'algorithm_not_allowed'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'invalid_claims'
  | 'invalid_token';

/**
 * The caller presented no credential, or one that does not prove who it is
 * (answered HTTP 401). `reason` says which check failed; `message` says it in
 * words and never contains the token itself.
 */
export class UnauthenticatedError extends ShepherdError {
  readonly code = 'AUTH_UNAUTHENTICATED';
  readonly kind = 'unauthenticated' as const;

  constructor(
    readonly reason: UnauthenticatedReason,
    message: string,
    options: ShepherdErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** The authentication settings are unusable (found at start-up, before serving). */
export class AuthConfigError extends ShepherdError {
  readonly code = 'AUTH_CONFIG_INVALID';
  readonly kind = 'invalid_argument' as const;
}

/**
 * The keys that verify tokens could not be fetched (JWKS endpoint down, slow
 * or answering garbage). Not the caller's fault, so it is answered 503 and
 * the caller should retry.
 */
export class AuthKeysUnavailableError extends ShepherdError {
  readonly code = 'AUTH_KEYS_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
}
