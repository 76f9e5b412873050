import { InvalidClaimTokenError, InvalidGatewayIdError, InvalidOwnershipTtlError, InvalidUidError } from './errors.js';

const CANONICAL_UID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// `|` separates gateway id and token in stored records, so it must never appear in an id.
const GATEWAY_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Largest TTL accepted: the largest delay Node timers support, about 24.8 days. */
export const MAX_TTL_MS = 2_147_483_647;

/** True when `uid` is canonical UUID text: lower-case hex in `8-4-4-4-12` groups (any version). */
export function isCanonicalUid(uid: unknown): uid is string {
  return typeof uid === 'string' && CANONICAL_UID.test(uid);
}

/** Throws {@link InvalidUidError} unless `uid` is canonical UUID text. */
export function assertUid(uid: unknown): asserts uid is string {
  if (!isCanonicalUid(uid)) {
    throw new InvalidUidError(`uid must be lower-case canonical UUID text, got ${describe(uid)}`);
  }
}

/** Throws {@link InvalidGatewayIdError} unless `gatewayId` is 1-128 chars of `[A-Za-z0-9._:-]`. */
export function assertGatewayId(gatewayId: unknown): asserts gatewayId is string {
  if (typeof gatewayId !== 'string' || !GATEWAY_ID.test(gatewayId)) {
    throw new InvalidGatewayIdError(`gateway id must be 1-128 characters of [A-Za-z0-9._:-], got ${describe(gatewayId)}`);
  }
}

/** Throws {@link InvalidOwnershipTtlError} unless `ttlMs` is an integer in `1..MAX_TTL_MS`. */
export function assertTtlMs(ttlMs: unknown): asserts ttlMs is number {
  if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_TTL_MS) {
    throw new InvalidOwnershipTtlError(`ttlMs must be an integer in 1..${MAX_TTL_MS}, got ${describe(ttlMs)}`);
  }
}

/**
 * Validates a claim passed back by a caller: uid and gateway id as above, and a
 * positive bigint token (else {@link InvalidClaimTokenError}).
 */
export function assertClaim(claim: { uid: unknown; gatewayId: unknown; token: unknown }): void {
  assertUid(claim.uid);
  assertGatewayId(claim.gatewayId);
  if (typeof claim.token !== 'bigint' || claim.token < 1n) {
    throw new InvalidClaimTokenError(`claim token must be a positive bigint, got ${describe(claim.token)}`);
  }
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
