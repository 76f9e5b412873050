import { createMemoryOwnership } from './memory/memory-ownership-store.js';
import type { OwnershipStore } from './ownership-store.js';
import { connectRedisOwnership } from './redis/redis-ownership-store.js';

/** Options of {@link openOwnership}. */
export interface OpenOwnershipOptions {
  /** `redis://`/`rediss://` URL (typically `REDIS_URL`); absent or empty selects the in-memory store. */
  readonly url?: string;
  /** Redis key prefix (default `shepherd:ownership:`); ignored by the in-memory store. */
  readonly keyPrefix?: string;
  /** Redis connect timeout (default 5_000 ms). */
  readonly connectTimeoutMs?: number;
  /** In-memory capacity (default 1_000_000 live claims). */
  readonly maxEntries?: number;
}

/**
 * Opens the ownership store a deployment is configured for: Redis when `url`
 * is set, the embedded in-memory store otherwise.
 *
 * Throws {@link OwnershipConfigError} for invalid options and
 * {@link OwnershipUnavailableError} when Redis cannot be reached.
 */
export async function openOwnership(options: OpenOwnershipOptions = {}): Promise<OwnershipStore> {
  const { url, keyPrefix, connectTimeoutMs, maxEntries } = options;
  if (url === undefined || url === '') return createMemoryOwnership({ maxEntries });
  return connectRedisOwnership({ url, keyPrefix, connectTimeoutMs });
}
