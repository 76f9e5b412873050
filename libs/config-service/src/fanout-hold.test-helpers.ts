import type { SqlStore } from '@shepherd/store';
import { interceptingStore } from '@shepherd/store/testing';

/** A held fan-out: its store, the count of listings waiting, and the release of all of them. */
export interface HeldFanout {
  readonly store: SqlStore;
  /** Fan-out uid listings that reached the store and wait. */
  blocked(): number;
  /** Lets every waiting (and later) listing through. */
  release(): void;
}

/** Wraps `inner` so that fan-out uid listings (the keyset pages) wait until `release()`; other statements pass. */
export function holdingFanout(inner: SqlStore): HeldFanout {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let blocked = 0;
  const store = interceptingStore(inner, async (sql, _params, next) => {
    if (/ORDER BY instance_uid LIMIT/.test(sql)) {
      blocked += 1;
      await held;
    }
    return next();
  });
  return { store, release: () => release(), blocked: () => blocked };
}
