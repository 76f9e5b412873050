import { randomUUID } from 'node:crypto';
import { testEngines, uniqueName } from '@shepherd/testing';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { OwnershipConfigError } from './errors.js';
import { openOwnership } from './open-ownership.js';

describe('openOwnership', () => {
  it('opens the in-memory store when no url is configured', async () => {
    for (const store of [await openOwnership(), await openOwnership({ url: '' })]) {
      const { claim } = await store.claim(randomUUID(), 'gw-a', 60_000);
      expect(await store.owner(claim.uid)).toEqual(claim);
      await store.close();
    }
  });

  it('opens the Redis store, under the given key prefix, when a redis url is configured', async () => {
    const keyPrefix = `${uniqueName('own')}:`;
    const store = await openOwnership({ url: testEngines.redisUrl, keyPrefix });
    const admin = new Redis(testEngines.redisUrl);
    const uid = randomUUID();
    try {
      const { claim } = await store.claim(uid, 'gw-a', 60_000);
      expect(await admin.get(`${keyPrefix}owner:${uid}`)).toBe(`gw-a|${claim.token}`);
    } finally {
      await store.close();
      await admin.del(`${keyPrefix}owner:${uid}`, `${keyPrefix}fence`);
      await admin.quit();
    }
  });

  it('rejects an unsupported url scheme with OwnershipConfigError', async () => {
    await expect(openOwnership({ url: 'memcached://127.0.0.1' })).rejects.toBeInstanceOf(OwnershipConfigError);
  });
});
