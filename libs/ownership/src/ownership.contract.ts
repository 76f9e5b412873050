import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@shepherd/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  InvalidClaimTokenError,
  InvalidGatewayIdError,
  InvalidOwnershipTtlError,
  InvalidUidError,
  OwnershipClosedError,
} from './errors.js';
import type { OwnershipStore } from './ownership-store.js';

/** How the contract suite gets stores from one adapter. */
export interface OwnershipContractTarget {
  /** A fresh store whose data no other test sees. */
  open(): Promise<OwnershipStore>;
  /** Another handle on the same data as `store`, as a second gateway process would have. */
  peer(store: OwnershipStore): Promise<OwnershipStore>;
}

const LONG_TTL = 60_000;

/** The behaviour every OwnershipStore adapter must show; test names are identical for all adapters. */
export function ownershipContract(adapter: string, target: OwnershipContractTarget): void {
  describe(`OwnershipStore contract (${adapter})`, () => {
    const opened: OwnershipStore[] = [];
    const track = (store: OwnershipStore): OwnershipStore => (opened.push(store), store);
    // Stores opened by a test are closed after it.
    const stores: OwnershipContractTarget = {
      open: async () => track(await target.open()),
      peer: async (store) => track(await target.peer(store)),
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });
    claimAndReleaseTests(stores);
    refreshAndExpiryTests(stores);
    lookupAndValidationTests(stores);
    concurrencyAndCloseTests(stores);
  });
}

/** Claiming, replacing and fenced release. */
function claimAndReleaseTests({ open }: OwnershipContractTarget): void {
  it('claim makes the gateway the owner', async () => {
    const store = await open();
    const uid = randomUUID();
    const { claim, previous } = await store.claim(uid, 'gw-a', LONG_TTL);
    expect(previous).toBeUndefined();
    expect(claim).toEqual({ uid, gatewayId: 'gw-a', token: expect.any(BigInt) });
    expect(claim.token).toBeGreaterThan(0n);
    expect(await store.owner(uid)).toEqual(claim);
    expect(await store.owner(randomUUID())).toBeUndefined();
  });

  it('a second claim replaces the first, returns it as previous and gets a larger token', async () => {
    const store = await open();
    const uid = randomUUID();
    const first = await store.claim(uid, 'gw-a', LONG_TTL);
    const second = await store.claim(uid, 'gw-b', LONG_TTL);
    expect(second.previous).toEqual(first.claim);
    expect(second.claim.token).toBeGreaterThan(first.claim.token);
    const third = await store.claim(uid, 'gw-b', LONG_TTL);
    expect(third.previous).toEqual(second.claim);
    expect(third.claim.token).toBeGreaterThan(second.claim.token);
    expect(await store.owner(uid)).toEqual(third.claim);
  });

  it('release with a stale token does nothing and returns false', async () => {
    const store = await open();
    const uid = randomUUID();
    const stale = (await store.claim(uid, 'gw-a', LONG_TTL)).claim;
    const current = (await store.claim(uid, 'gw-b', LONG_TTL)).claim;
    expect(await store.release(stale)).toBe(false);
    expect(await store.release({ ...current, gatewayId: 'gw-a' })).toBe(false);
    expect(await store.owner(uid)).toEqual(current);
  });

  it('release with the current token deletes the claim', async () => {
    const store = await open();
    const uid = randomUUID();
    const { claim } = await store.claim(uid, 'gw-a', LONG_TTL);
    expect(await store.release(claim)).toBe(true);
    expect(await store.owner(uid)).toBeUndefined();
    expect(await store.release(claim)).toBe(false);
    expect((await store.claim(uid, 'gw-b', LONG_TTL)).previous).toBeUndefined();
  });
}

/** TTL refresh, lost claims and expiry. */
function refreshAndExpiryTests({ open }: OwnershipContractTarget): void {
  it('refresh keeps a claim alive past its original ttl', async () => {
    const store = await open();
    const uid = randomUUID();
    const { claim } = await store.claim(uid, 'gw-a', 400);
    const startedAt = Date.now();
    while (Date.now() - startedAt < 1_000) {
      await sleep(100);
      expect(await store.refresh([claim], 400)).toEqual({ lost: [] });
    }
    expect(await store.owner(uid)).toEqual(claim);
  });

  it('refresh reports claims lost to a replacement', async () => {
    const store = await open();
    const kept = (await store.claim(randomUUID(), 'gw-a', LONG_TTL)).claim;
    const replaced = (await store.claim(randomUUID(), 'gw-a', LONG_TTL)).claim;
    const winner = (await store.claim(replaced.uid, 'gw-b', LONG_TTL)).claim;
    expect(await store.refresh([kept, replaced], LONG_TTL)).toEqual({ lost: [replaced] });
    expect(await store.owner(replaced.uid)).toEqual(winner);
  });

  it('refresh reports claims lost to expiry', async () => {
    const store = await open();
    const kept = (await store.claim(randomUUID(), 'gw-a', LONG_TTL)).claim;
    const expiring = (await store.claim(randomUUID(), 'gw-a', 100)).claim;
    await waitFor(async () => (await store.owner(expiring.uid)) === undefined, { description: 'claim expiry' });
    expect(await store.refresh([kept, expiring], LONG_TTL)).toEqual({ lost: [expiring] });
    expect(await store.owner(expiring.uid)).toBeUndefined();
  });

  it('a refresh of many claims reports exactly the lost ones', async () => {
    const store = await open();
    const claims = await Promise.all(
      Array.from({ length: 1_200 }, async () => (await store.claim(randomUUID(), 'gw-a', LONG_TTL)).claim),
    );
    const replaced = claims.filter((_, i) => i % 3 === 0);
    await Promise.all(replaced.map((c) => store.claim(c.uid, 'gw-b', LONG_TTL)));
    const { lost } = await store.refresh(claims, LONG_TTL);
    expect(lost).toEqual(replaced);
  });

  it('a claim expires when it is not refreshed', async () => {
    const store = await open();
    const uid = randomUUID();
    const { claim } = await store.claim(uid, 'gw-a', 250);
    expect(await store.owner(uid)).toEqual(claim);
    await waitFor(async () => (await store.owner(uid)) === undefined, { description: 'claim expiry' });
    expect((await store.claim(uid, 'gw-b', LONG_TTL)).previous).toBeUndefined();
  });
}

/** Batch lookup and argument validation. */
function lookupAndValidationTests({ open }: OwnershipContractTarget): void {
  it('owners returns the live owners of a batch in one call', async () => {
    const store = await open();
    const [a, b, released, absent] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const claimA = (await store.claim(a, 'gw-a', LONG_TTL)).claim;
    const claimB = (await store.claim(b, 'gw-b', LONG_TTL)).claim;
    await store.release((await store.claim(released, 'gw-a', LONG_TTL)).claim);
    const owners = await store.owners([a, absent, b, released, a]);
    expect(owners).toEqual(new Map([[a, claimA], [b, claimB]]));
    expect(await store.owners([])).toEqual(new Map());
  });

  it('rejects non-canonical uids with InvalidUidError', async () => {
    const store = await open();
    const valid = randomUUID();
    for (const uid of [valid.toUpperCase(), valid.replaceAll('-', ''), `{${valid}}`, '', 'agent-1']) {
      await expect(store.claim(uid, 'gw-a', LONG_TTL)).rejects.toBeInstanceOf(InvalidUidError);
      await expect(store.owner(uid)).rejects.toBeInstanceOf(InvalidUidError);
      await expect(store.owners([valid, uid])).rejects.toBeInstanceOf(InvalidUidError);
      await expect(store.release({ uid, gatewayId: 'gw-a', token: 1n })).rejects.toBeInstanceOf(InvalidUidError);
      await expect(store.refresh([{ uid, gatewayId: 'gw-a', token: 1n }], LONG_TTL)).rejects.toBeInstanceOf(
        InvalidUidError,
      );
    }
    expect(await store.owner(valid)).toBeUndefined();
  });

  it('rejects invalid gateway ids, ttls and tokens', async () => {
    const store = await open();
    const uid = randomUUID();
    for (const gatewayId of ['', 'gw|1', 'gw 1', 'g'.repeat(129)]) {
      await expect(store.claim(uid, gatewayId, LONG_TTL)).rejects.toBeInstanceOf(InvalidGatewayIdError);
    }
    for (const ttl of [0, -1, 1.5, Number.NaN, 2 ** 31]) {
      await expect(store.claim(uid, 'gw-a', ttl)).rejects.toBeInstanceOf(InvalidOwnershipTtlError);
      await expect(store.refresh([], ttl)).rejects.toBeInstanceOf(InvalidOwnershipTtlError);
    }
    const forged = { uid, gatewayId: 'gw-a', token: 0n };
    await expect(store.release(forged)).rejects.toBeInstanceOf(InvalidClaimTokenError);
    expect(await store.owner(uid)).toBeUndefined();
  });
}

/** Races between gateways and the closed state. */
function concurrencyAndCloseTests({ open, peer }: OwnershipContractTarget): void {
  it('concurrent claims from two gateways end with one owner holding the largest token', async () => {
    const gatewayA = await open();
    const gatewayB = await peer(gatewayA);
    const uid = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0 ? gatewayA.claim(uid, 'gw-a', LONG_TTL) : gatewayB.claim(uid, 'gw-b', LONG_TTL),
      ),
    );
    const claims = results.map((r) => r.claim);
    expect(new Set(claims.map((c) => c.token)).size).toBe(claims.length);
    const newest = claims.reduce((max, c) => (c.token > max.token ? c : max));
    expect(await gatewayA.owner(uid)).toEqual(newest);
    expect(await gatewayB.owner(uid)).toEqual(newest);
    // Exactly one claim found nobody; every other one replaced an older claim.
    expect(results.filter((r) => r.previous === undefined)).toHaveLength(1);
    for (const r of results) if (r.previous) expect(r.previous.token).toBeLessThan(r.claim.token);
  });

  it('rejects calls after close with OwnershipClosedError', async () => {
    const store = await open();
    const { claim } = await store.claim(randomUUID(), 'gw-a', LONG_TTL);
    await store.close();
    await store.close();
    await expect(store.owner(claim.uid)).rejects.toBeInstanceOf(OwnershipClosedError);
    await expect(store.claim(claim.uid, 'gw-a', LONG_TTL)).rejects.toBeInstanceOf(OwnershipClosedError);
    await expect(store.refresh([claim], LONG_TTL)).rejects.toBeInstanceOf(OwnershipClosedError);
  });
}
