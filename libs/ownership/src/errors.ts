import { ShepherdError } from '@shepherd/errors';

/** A uid is not canonical UUID text (lower-case `8-4-4-4-12` hex). */
export class InvalidUidError extends ShepherdError {
  readonly code = 'INVALID_UID';
  readonly kind = 'invalid_argument' as const;
}

/** A gateway id is empty, too long or contains characters outside `[A-Za-z0-9._:-]`. */
export class InvalidGatewayIdError extends ShepherdError {
  readonly code = 'INVALID_GATEWAY_ID';
  readonly kind = 'invalid_argument' as const;
}

/** A claim TTL is not an integer number of milliseconds in `1..2_147_483_647`. */
export class InvalidOwnershipTtlError extends ShepherdError {
  readonly code = 'INVALID_OWNERSHIP_TTL';
  readonly kind = 'invalid_argument' as const;
}

/** A claim passed back to the store has no positive bigint fencing token. */
export class InvalidClaimTokenError extends ShepherdError {
  readonly code = 'INVALID_CLAIM_TOKEN';
  readonly kind = 'invalid_argument' as const;
}

/** The options or URL given to an ownership factory are invalid; raised once, at start-up. */
export class OwnershipConfigError extends ShepherdError {
  readonly code = 'OWNERSHIP_CONFIG_INVALID';
  readonly kind = 'invalid_argument' as const;
}

/** The ownership backend (Redis) cannot be reached or did not answer in time; retry later. */
export class OwnershipUnavailableError extends ShepherdError {
  readonly code = 'OWNERSHIP_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
}

/** The in-memory store already holds `maxEntries` live claims; a new uid cannot be claimed. */
export class OwnershipCapacityError extends ShepherdError {
  readonly code = 'OWNERSHIP_CAPACITY_EXCEEDED';
  readonly kind = 'resource_exhausted' as const;
}

/** The store was closed; every call after `close()` rejects with this error. */
export class OwnershipClosedError extends ShepherdError {
  readonly code = 'OWNERSHIP_CLOSED';
  readonly kind = 'unavailable' as const;
}

/** A stored ownership record is not in the `gatewayId|token` format this library writes. */
export class OwnershipRecordCorruptError extends ShepherdError {
  readonly code = 'OWNERSHIP_RECORD_CORRUPT';
  readonly kind = 'internal' as const;
}
