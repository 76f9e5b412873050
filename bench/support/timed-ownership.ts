import { performance } from 'node:perf_hooks';
import type { Claim, OwnershipStore } from '@shepherd/ownership';

/** An ownership store that counts and times its owner lookups. */
export interface TimedOwnership {
  readonly ownership: OwnershipStore;
  reset(): void;
  /** Lookup calls (`owner` and `owners`), uids asked for, and their summed wall time in ms. */
  tally(): { readonly calls: number; readonly uids: number; readonly totalMs: number };
}

/** Wraps `inner`; claims, refreshes and releases pass through untimed. */
export function timedOwnership(inner: OwnershipStore): TimedOwnership {
  let calls = 0;
  let uids = 0;
  let totalMs = 0;
  const timed = async <T>(count: number, lookup: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await lookup();
    } finally {
      calls += 1;
      uids += count;
      totalMs += performance.now() - started;
    }
  };
  const ownership: OwnershipStore = {
    claim: (uid, gatewayId, ttlMs) => inner.claim(uid, gatewayId, ttlMs),
    refresh: (claims, ttlMs) => inner.refresh(claims, ttlMs),
    release: (claim) => inner.release(claim),
    owner: (uid): Promise<Claim | undefined> => timed(1, () => inner.owner(uid)),
    owners: (list): Promise<Map<string, Claim>> => timed(list.length, () => inner.owners(list)),
    close: () => inner.close(),
  };
  return {
    ownership,
    reset() {
      calls = 0;
      uids = 0;
      totalMs = 0;
    },
    tally: () => ({ calls, uids, totalMs }),
  };
}
