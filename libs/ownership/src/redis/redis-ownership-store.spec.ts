import { randomUUID } from 'node:crypto';
import { testEngines, uniqueName, waitFor } from '@shepherd/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OwnershipConfigError, OwnershipUnavailableError } from '../errors.js';
import { ownershipContract } from '../ownership.contract.js';
import type { OwnershipStore } from '../ownership-store.js';
import { deleteKeysWithPrefix } from '../testing/redis-cleanup.js';
import { connectRedisOwnership } from './redis-ownership-store.js';
import { closedPort, startSilentServer, startTcpProxy } from './tcp-proxy.test-helpers.js';

const redisUrl = testEngines.redisUrl;
const prefixes = new Map<OwnershipStore, string>();
let admin: Redis;

beforeAll(async () => {
  admin = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await admin.connect().catch((err: Error) => {
    throw new Error(`Redis is required for these tests; none answers at ${redisUrl}: ${err.message}`);
  });
});

afterAll(async () => {
  for (const prefix of new Set(prefixes.values())) await deleteKeysWithPrefix(redisUrl, prefix);
  await admin.quit();
});

async function openWithPrefix(keyPrefix: string): Promise<OwnershipStore> {
  const store = await connectRedisOwnership({ url: redisUrl, keyPrefix });
  prefixes.set(store, keyPrefix);
  return store;
}

async function keysUnder(prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found.sort();
}

ownershipContract('redis', {
  open: () => openWithPrefix(`${uniqueName('own')}:`),
  peer: (store) => openWithPrefix(prefixes.get(store)!),
});

describe('redis ownership store', () => {
  it('keeps every key under its key prefix', async () => {
    const prefix = `${uniqueName('own')}:`;
    const store = await openWithPrefix(prefix);
    try {
      const uid = randomUUID();
      const { claim } = await store.claim(uid, 'gw-a', 60_000);
      expect(await keysUnder(prefix)).toEqual([`${prefix}fence`, `${prefix}owner:${uid}`]);
      expect(await admin.get(`${prefix}owner:${uid}`)).toBe(`gw-a|${claim.token}`);
      expect(await admin.pttl(`${prefix}owner:${uid}`)).toBeGreaterThan(50_000);
    } finally {
      await store.close();
    }
  });

  it('fails fast with OwnershipUnavailableError naming the host when Redis is unreachable', async () => {
    const port = await closedPort();
    const startedAt = Date.now();
    const err = await connectRedisOwnership({ url: `redis://127.0.0.1:${port}`, keyPrefix: 'x:' }).catch((e) => e);
    expect(err).toBeInstanceOf(OwnershipUnavailableError);
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
    expect(Date.now() - startedAt).toBeLessThan(3_000);
  });

  it('fails fast when the server accepts connections but never answers', async () => {
    const silent = await startSilentServer();
    try {
      const startedAt = Date.now();
      const connecting = connectRedisOwnership({ url: `redis://127.0.0.1:${silent.port}`, connectTimeoutMs: 500 });
      await expect(connecting).rejects.toBeInstanceOf(OwnershipUnavailableError);
      expect(Date.now() - startedAt).toBeLessThan(3_000);
    } finally {
      await silent.close();
    }
  });

  it('rejects calls promptly with OwnershipUnavailableError while Redis is away, and recovers', async () => {
    const target = new URL(redisUrl);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const prefix = `${uniqueName('own')}:`;
    const store = await connectRedisOwnership({ url: `redis://127.0.0.1:${proxy.port}`, keyPrefix: prefix });
    prefixes.set(store, prefix);
    try {
      const { claim } = await store.claim(randomUUID(), 'gw-a', 60_000);
      await proxy.cut();
      const startedAt = Date.now();
      await expect(store.owner(claim.uid)).rejects.toBeInstanceOf(OwnershipUnavailableError);
      await expect(store.refresh([claim], 60_000)).rejects.toBeInstanceOf(OwnershipUnavailableError);
      await expect(store.claim(claim.uid, 'gw-b', 60_000)).rejects.toBeInstanceOf(OwnershipUnavailableError);
      expect(Date.now() - startedAt).toBeLessThan(3_000);
      await proxy.resume();
      const owner = await waitFor(() => store.owner(claim.uid), { timeoutMs: 10_000, description: 'reconnection' });
      expect(owner).toEqual(claim);
    } finally {
      await store.close();
      await proxy.cut();
    }
  });

  it('rejects invalid options with OwnershipConfigError', async () => {
    await expect(connectRedisOwnership({ url: 'http://127.0.0.1:6379' })).rejects.toBeInstanceOf(OwnershipConfigError);
    await expect(connectRedisOwnership({ url: 'not a url' })).rejects.toBeInstanceOf(OwnershipConfigError);
    await expect(connectRedisOwnership({ url: redisUrl, keyPrefix: 'a*' })).rejects.toBeInstanceOf(OwnershipConfigError);
    await expect(connectRedisOwnership({ url: redisUrl, connectTimeoutMs: 0 })).rejects.toBeInstanceOf(
      OwnershipConfigError,
    );
  });
});
