import { ShepherdError } from '@shepherd/errors';

/**
 * A signing or verification key is unusable: the file is missing or unreadable, the PEM does
 * not parse, or the key is not Ed25519. Found at start-up, before anything is signed. The
 * message names the file (when there is one) and the problem, never the key material.
 */
export class SigningKeyError extends ShepherdError {
  readonly code = 'CONFIG_SIGNING_KEY_INVALID';
  readonly kind = 'invalid_argument' as const;
}

/** The config hash handed to {@link signConfig} is not a non-empty lower-case hex string. */
export class ConfigHashInvalidError extends ShepherdError {
  readonly code = 'CONFIG_SIGNING_HASH_INVALID';
  readonly kind = 'invalid_argument' as const;
}
