import { Redis, ReplyError } from 'ioredis';
import type { Result } from 'ioredis';
import { assertClaim, assertGatewayId, assertTtlMs, assertUid } from '../claim-arguments.js';
import { OwnershipClosedError, OwnershipRecordCorruptError, OwnershipUnavailableError } from '../errors.js';
import type { Claim, ClaimResult, OwnershipStore, RefreshResult } from '../ownership-store.js';
import { CLAIM_SCRIPT, REFRESH_SCRIPT, RELEASE_SCRIPT } from './ownership-scripts.js';
import { redisHost, resolveRedisOptions, type RedisOwnershipOptions, type ResolvedRedisOptions } from './redis-options.js';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    ownershipClaim(
      ownerKey: string,
      fenceKey: string,
      gatewayId: string,
      ttlMs: number,
    ): Result<[string, string | null], Context>;
    ownershipRefresh(numKeys: number, ...keysThenArgs: (string | number)[]): Result<number[], Context>;
    ownershipRelease(ownerKey: string, record: string): Result<number, Context>;
  }
}

// Keys per script call / MGET inside one pipeline: keeps each Lua run short so Redis never stalls.
const CHUNK = 500;
// Reply errors that mean "Redis cannot serve right now" rather than a bug in our commands.
const TRANSIENT_REPLY = /^(LOADING|READONLY|MASTERDOWN|BUSY|TRYAGAIN|CLUSTERDOWN|OOM)\b/;

/**
 * Connects the Redis ownership adapter and waits until Redis answers.
 *
 * Fails fast: rejects with {@link OwnershipUnavailableError} naming the host
 * when Redis cannot be reached within `connectTimeoutMs`; throws
 * {@link OwnershipConfigError} for invalid options. Once connected, calls made
 * while Redis is down reject promptly with {@link OwnershipUnavailableError}
 * (no offline queue; in-flight commands time out after `commandTimeoutMs`)
 * while the client keeps reconnecting in the background.
 *
 * Not for Redis Cluster: the fence counter and all owner keys of a prefix
 * must live on one node for the scripts to be atomic.
 */
export async function connectRedisOwnership(options: RedisOwnershipOptions): Promise<OwnershipStore> {
  const resolved = resolveRedisOptions(options);
  const redis = new Redis(resolved.url, {
    lazyConnect: true,
    connectTimeout: resolved.connectTimeoutMs,
    commandTimeout: resolved.commandTimeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let lastError: Error | undefined;
  // Without a listener ioredis logs every reconnect failure as an unhandled error event.
  redis.on('error', (err: Error) => (lastError = err));
  redis.defineCommand('ownershipClaim', { numberOfKeys: 2, lua: CLAIM_SCRIPT });
  redis.defineCommand('ownershipRefresh', { lua: REFRESH_SCRIPT });
  redis.defineCommand('ownershipRelease', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
  try {
    await withDeadline(redis.connect(), resolved.connectTimeoutMs);
  } catch (err) {
    redis.disconnect();
    const reason = lastError?.message ?? (err as Error).message;
    throw new OwnershipUnavailableError(`cannot reach Redis at ${redisHost(resolved.url)}: ${reason}`, {
      cause: lastError ?? err,
    });
  }
  return new RedisOwnershipStore(redis, resolved);
}

class RedisOwnershipStore implements OwnershipStore {
  readonly #redis: Redis;
  readonly #options: ResolvedRedisOptions;
  readonly #fenceKey: string;
  #closed = false;

  constructor(redis: Redis, options: ResolvedRedisOptions) {
    this.#redis = redis;
    this.#options = options;
    this.#fenceKey = `${options.keyPrefix}fence`;
  }

  async claim(uid: string, gatewayId: string, ttlMs: number): Promise<ClaimResult> {
    this.#assertOpen();
    assertUid(uid);
    assertGatewayId(gatewayId);
    assertTtlMs(ttlMs);
    const [token, previous] = await this.#call(() =>
      this.#redis.ownershipClaim(this.#ownerKey(uid), this.#fenceKey, gatewayId, ttlMs),
    );
    const claim: Claim = { uid, gatewayId, token: BigInt(token) };
    return previous === null ? { claim } : { claim, previous: parseRecord(uid, previous) };
  }

  async refresh(claims: readonly Claim[], ttlMs: number): Promise<RefreshResult> {
    this.#assertOpen();
    assertTtlMs(ttlMs);
    claims.forEach(assertClaim);
    if (claims.length === 0) return { lost: [] };
    const chunks = chunk(claims);
    const pipeline = this.#redis.pipeline();
    for (const part of chunks) {
      const keys = part.map((c) => this.#ownerKey(c.uid));
      pipeline.ownershipRefresh(part.length, ...keys, ttlMs, ...part.map(recordOf));
    }
    const replies = await this.#exec(pipeline);
    const lost = chunks.flatMap((part, i) => (replies[i] as number[]).map((index) => part[index - 1]!));
    return { lost };
  }

  async release(claim: Claim): Promise<boolean> {
    this.#assertOpen();
    assertClaim(claim);
    const deleted = await this.#call(() => this.#redis.ownershipRelease(this.#ownerKey(claim.uid), recordOf(claim)));
    return deleted === 1;
  }

  async owner(uid: string): Promise<Claim | undefined> {
    this.#assertOpen();
    assertUid(uid);
    const record = await this.#call(() => this.#redis.get(this.#ownerKey(uid)));
    return record === null ? undefined : parseRecord(uid, record);
  }

  async owners(uids: readonly string[]): Promise<Map<string, Claim>> {
    this.#assertOpen();
    uids.forEach((uid) => assertUid(uid));
    const found = new Map<string, Claim>();
    if (uids.length === 0) return found;
    const chunks = chunk([...new Set(uids)]);
    const pipeline = this.#redis.pipeline();
    for (const part of chunks) pipeline.mget(part.map((uid) => this.#ownerKey(uid)));
    const replies = await this.#exec(pipeline);
    chunks.forEach((part, i) => {
      (replies[i] as (string | null)[]).forEach((record, j) => {
        const uid = part[j]!;
        if (record !== null) found.set(uid, parseRecord(uid, record));
      });
    });
    return found;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // QUIT lets in-flight commands finish; when Redis is unreachable, drop the socket instead.
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  #ownerKey(uid: string): string {
    return `${this.#options.keyPrefix}owner:${uid}`;
  }

  #assertOpen(): void {
    if (this.#closed) throw new OwnershipClosedError('the ownership store is closed');
  }

  async #call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (err) {
      throw this.#translate(err);
    }
  }

  async #exec(pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
    const results = await this.#call(() => pipeline.exec());
    return (results ?? []).map(([err, reply]) => {
      if (err) throw this.#translate(err);
      return reply;
    });
  }

  #translate(err: unknown): unknown {
    if (err instanceof Error && err instanceof ReplyError && !TRANSIENT_REPLY.test(err.message)) return err;
    const reason = err instanceof Error ? err.message : String(err);
    return new OwnershipUnavailableError(`Redis at ${redisHost(this.#options.url)} failed: ${reason}`, { cause: err });
  }
}

function recordOf(claim: Claim): string {
  return `${claim.gatewayId}|${claim.token}`;
}

function parseRecord(uid: string, record: string): Claim {
  const bar = record.lastIndexOf('|');
  const token = record.slice(bar + 1);
  if (bar < 1 || !/^[1-9][0-9]*$/.test(token)) {
    throw new OwnershipRecordCorruptError(`ownership record of ${uid} is not "gatewayId|token"`);
  }
  return { uid, gatewayId: record.slice(0, bar), token: BigInt(token) };
}

function chunk<T>(items: readonly T[]): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) parts.push(items.slice(i, i + CHUNK));
  return parts;
}

async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
