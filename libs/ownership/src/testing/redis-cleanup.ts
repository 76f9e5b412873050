import { Redis } from 'ioredis';
import { OwnershipConfigError, OwnershipUnavailableError } from '../errors.js';
import { DEFAULT_KEY_PREFIX, redisHost, resolveRedisOptions } from '../redis/redis-options.js';

const SCAN_COUNT = 1_000;

/**
 * Deletes every key under `prefix` (`SCAN MATCH <prefix>*`, then `DEL` batch by batch): what a
 * test or benchmark that used its own key prefix leaves in Redis. Returns how many were deleted.
 * @throws OwnershipConfigError for a bad URL, a prefix that is not a valid key prefix, or the
 *   production default prefix
 * @throws OwnershipUnavailableError when Redis cannot be reached
 */
export async function deleteKeysWithPrefix(redisUrl: string, prefix: string): Promise<number> {
  resolveRedisOptions({ url: redisUrl, keyPrefix: prefix });
  if (prefix === DEFAULT_KEY_PREFIX) throw new OwnershipConfigError(`refusing to delete the keys of the default prefix ${DEFAULT_KEY_PREFIX}`);
  return withAdminClient(redisUrl, async (redis) => {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', SCAN_COUNT);
      if (keys.length > 0) deleted += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    return deleted;
  });
}

/** The `redis_version` the server at `redisUrl` reports (`?` when it reports none), for benchmark reports. */
export async function redisServerVersion(redisUrl: string): Promise<string> {
  resolveRedisOptions({ url: redisUrl });
  return withAdminClient(redisUrl, async (redis) => /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?');
}

async function withAdminClient<T>(redisUrl: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5_000, retryStrategy: () => null });
  let lastError: Error | undefined;
  redis.on('error', (err: Error) => (lastError = err));
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new OwnershipUnavailableError(`cannot reach Redis at ${redisHost(redisUrl)}: ${(lastError ?? (err as Error)).message}`, { cause: lastError ?? err });
  }
  try {
    return await use(redis);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
