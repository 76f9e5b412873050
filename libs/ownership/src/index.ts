/**
 * @shepherd/ownership: which gateway owns which agent connection, with TTLs
 * and fencing tokens. Redis in production, in-memory when embedded.
 */
export type { Claim, ClaimResult, OwnershipStore, RefreshResult } from './ownership-store.js';
export { openOwnership, type OpenOwnershipOptions } from './open-ownership.js';
export { createMemoryOwnership, type MemoryOwnershipOptions } from './memory/memory-ownership-store.js';
export { connectRedisOwnership } from './redis/redis-ownership-store.js';
export { DEFAULT_KEY_PREFIX, type RedisOwnershipOptions } from './redis/redis-options.js';
export { isCanonicalUid, MAX_TTL_MS } from './claim-arguments.js';
export {
  InvalidClaimTokenError,
  InvalidGatewayIdError,
  InvalidOwnershipTtlError,
  InvalidUidError,
  OwnershipCapacityError,
  OwnershipClosedError,
  OwnershipConfigError,
  OwnershipRecordCorruptError,
  OwnershipUnavailableError,
} from './errors.js';
