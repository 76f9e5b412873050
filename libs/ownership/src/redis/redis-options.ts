import { OwnershipConfigError } from '../errors.js';

/** Options of {@link connectRedisOwnership}. */
export interface RedisOwnershipOptions {
  /** `redis://` or `rediss://` URL (credentials and db index as ioredis understands them). */
  readonly url: string;
  /** Prefix of every key this store touches (default `shepherd:ownership:`); 1-128 chars of `[A-Za-z0-9:_.-]`. */
  readonly keyPrefix?: string;
  /** Give up connecting after this long (default 5_000 ms). */
  readonly connectTimeoutMs?: number;
  /** Reject a command that got no reply after this long (default 2_000 ms). */
  readonly commandTimeoutMs?: number;
}

/** Validated, frozen {@link RedisOwnershipOptions}. */
export interface ResolvedRedisOptions {
  readonly url: string;
  readonly keyPrefix: string;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
}

/** Default key prefix of the Redis adapter. */
export const DEFAULT_KEY_PREFIX = 'shepherd:ownership:';
// No glob characters, so `SCAN MATCH <prefix>*` finds exactly this store's keys.
const KEY_PREFIX = /^[A-Za-z0-9:_.-]{1,128}$/;

/** Validates and freezes the options; throws {@link OwnershipConfigError} naming the bad one. */
export function resolveRedisOptions(options: RedisOwnershipOptions): ResolvedRedisOptions {
  const { url, keyPrefix = DEFAULT_KEY_PREFIX, connectTimeoutMs = 5_000, commandTimeoutMs = 2_000 } = options;
  redisHost(url);
  if (typeof keyPrefix !== 'string' || !KEY_PREFIX.test(keyPrefix)) {
    throw new OwnershipConfigError(
      `keyPrefix must be 1-128 characters of [A-Za-z0-9:_.-], got ${JSON.stringify(keyPrefix)}`,
    );
  }
  for (const [name, value] of Object.entries({ connectTimeoutMs, commandTimeoutMs })) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new OwnershipConfigError(`${name} must be a positive integer of milliseconds, got ${String(value)}`);
    }
  }
  return Object.freeze({ url, keyPrefix, connectTimeoutMs, commandTimeoutMs });
}

/**
 * `host:port` of a Redis URL, for messages (never includes credentials).
 * Throws {@link OwnershipConfigError} when `url` is not a `redis:`/`rediss:` URL.
 */
export function redisHost(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new OwnershipConfigError('the Redis URL is not a valid URL', { cause: err });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new OwnershipConfigError(`the Redis URL must start with redis:// or rediss://, got ${parsed.protocol}//`);
  }
  return `${parsed.hostname || '127.0.0.1'}:${parsed.port || '6379'}`;
}
