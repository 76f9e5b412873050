import { testEngines, uniqueName } from '@shepherd/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OwnershipConfigError, OwnershipUnavailableError } from '../errors.js';
import { deleteKeysWithPrefix, redisServerVersion } from './redis-cleanup.js';

const marker = uniqueName('cleanup');
let redis: Redis;

beforeAll(async () => {
  redis = new Redis(testEngines.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
});

afterAll(async () => {
  await redis.del(`${marker}:b:kept`, `${marker}:a`);
  await redis.quit();
});

describe('deleteKeysWithPrefix', () => {
  it('deletes every key under the prefix, across SCAN batches, and no other', async () => {
    const prefix = `${marker}:a:`;
    const keys = Array.from({ length: 2_500 }, (_, i) => `${prefix}${i}`);
    await redis.mset(...keys.flatMap((key) => [key, 'x']));
    await redis.set(`${marker}:b:kept`, 'y');
    await redis.set(`${marker}:a`, 'not under the prefix');

    expect(await deleteKeysWithPrefix(testEngines.redisUrl, prefix)).toBe(2_500);

    expect(await redis.exists(...keys)).toBe(0);
    expect(await redis.get(`${marker}:b:kept`)).toBe('y');
    expect(await redis.get(`${marker}:a`)).toBe('not under the prefix');
    expect(await deleteKeysWithPrefix(testEngines.redisUrl, prefix)).toBe(0);
  });

  it('refuses glob characters, an empty prefix and the production default prefix', async () => {
    for (const prefix of ['*', '', 'a?:', 'shepherd:ownership:']) {
      await expect(deleteKeysWithPrefix(testEngines.redisUrl, prefix)).rejects.toBeInstanceOf(OwnershipConfigError);
    }
  });

  it('fails with OwnershipUnavailableError naming the host when Redis does not answer', async () => {
    const err = await deleteKeysWithPrefix('redis://127.0.0.1:1', `${marker}:x:`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OwnershipUnavailableError);
    expect((err as Error).message).toContain('127.0.0.1:1');
  });
});

describe('redisServerVersion', () => {
  it('reports the server version', async () => {
    expect(await redisServerVersion(testEngines.redisUrl)).toMatch(/^\d+\.\d+\.\d+/);
  });
});
