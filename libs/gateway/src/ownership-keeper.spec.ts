import { createMemoryOwnership, OwnershipUnavailableError, type OwnershipStore } from '@shepherd/ownership';
import { createLogger, createMetricsRegistry } from '@shepherd/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { createGatewayMetrics } from './gateway-metrics.js';
import { OwnershipKeeper } from './ownership-keeper.js';

const UID = '01890a5d-ac96-774b-bcce-b302099a8057';
const stores: OwnershipStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

function keeper(store: OwnershipStore, lost: Array<[string, string]> = []) {
  stores.push(store);
  const metrics = createGatewayMetrics(createMetricsRegistry());
  return new OwnershipKeeper(store, 'gw-1', 30_000, createLogger({ name: 't', level: 'silent' }), metrics, (uid, holder) => lost.push([uid, holder]));
}

describe('OwnershipKeeper', () => {
  it('lets only the current local holder release, fenced', async () => {
    const store = createMemoryOwnership();
    const k = keeper(store);
    expect(await k.claim(UID, 'conn-1')).toBe(true);
    expect(await k.claim(UID, 'conn-2')).toBe(true);
    await k.release(UID, 'conn-1');
    expect((await store.owner(UID))?.gatewayId).toBe('gw-1');
    expect(k.holds(UID, 'conn-2')).toBe(true);
    await k.release(UID, 'conn-2');
    expect(await store.owner(UID)).toBeUndefined();
  });

  it('reports claims another gateway took on the next refresh', async () => {
    const store = createMemoryOwnership();
    const lost: Array<[string, string]> = [];
    const k = keeper(store, lost);
    await k.claim(UID, 'conn-1');
    await store.claim(UID, 'gw-2', 30_000);
    await k.refreshNow();
    expect(lost).toEqual([[UID, 'conn-1']]);
    expect(k.size).toBe(0);
  });

  it('survives an unreachable store: the claim is not held and nothing throws', async () => {
    const inner = createMemoryOwnership();
    const broken: OwnershipStore = {
      claim: () => Promise.reject(new OwnershipUnavailableError('redis down')),
      refresh: (claims, ttl) => inner.refresh(claims, ttl),
      release: (claim) => inner.release(claim),
      owner: (uid) => inner.owner(uid),
      owners: (uids) => inner.owners(uids),
      close: () => inner.close(),
    };
    const k = keeper(broken);
    await expect(k.claim(UID, 'conn-1')).resolves.toBe(false);
    expect(k.holds(UID, 'conn-1')).toBe(false);
  });
});
