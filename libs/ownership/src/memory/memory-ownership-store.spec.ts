import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OwnershipCapacityError, OwnershipConfigError } from '../errors.js';
import { ownershipContract } from '../ownership.contract.js';
import { createMemoryOwnership } from './memory-ownership-store.js';

ownershipContract('memory', {
  open: async () => createMemoryOwnership(),
  // One process shares one map: a "second gateway" is the same store.
  peer: async (store) => store,
});

describe('memory ownership store', () => {
  it('refuses a new uid when maxEntries live claims are held, and makes room from expired ones', async () => {
    let now = 0;
    const store = createMemoryOwnership({ maxEntries: 2, now: () => now });
    try {
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
      await store.claim(a, 'gw-a', 1_000);
      await store.claim(b, 'gw-a', 5_000);
      await expect(store.claim(c, 'gw-a', 1_000)).rejects.toBeInstanceOf(OwnershipCapacityError);
      // Replacing an existing claim needs no room.
      await store.claim(b, 'gw-b', 5_000);
      now = 1_000;
      const { previous } = await store.claim(c, 'gw-a', 1_000);
      expect(previous).toBeUndefined();
      expect([...(await store.owners([a, b, c])).keys()].sort()).toEqual([b, c].sort());
    } finally {
      await store.close();
    }
  });

  it('expires a claim exactly at its ttl on the injected clock', async () => {
    let now = 10;
    const store = createMemoryOwnership({ now: () => now });
    try {
      const { claim } = await store.claim(randomUUID(), 'gw-a', 100);
      now = 109;
      expect(await store.owner(claim.uid)).toEqual(claim);
      expect((await store.refresh([claim], 100)).lost).toEqual([]);
      now = 208;
      expect(await store.owner(claim.uid)).toEqual(claim);
      now = 209;
      expect(await store.owner(claim.uid)).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('rejects invalid options with OwnershipConfigError', () => {
    expect(() => createMemoryOwnership({ maxEntries: 0 })).toThrow(OwnershipConfigError);
    expect(() => createMemoryOwnership({ maxEntries: 1.5 })).toThrow(OwnershipConfigError);
    expect(() => createMemoryOwnership({ sweepIntervalMs: -1 })).toThrow(OwnershipConfigError);
  });
});
