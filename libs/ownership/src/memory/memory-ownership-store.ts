import { assertClaim, assertGatewayId, assertTtlMs, assertUid } from '../claim-arguments.js';
import { OwnershipCapacityError, OwnershipClosedError, OwnershipConfigError } from '../errors.js';
import type { Claim, ClaimResult, OwnershipStore, RefreshResult } from '../ownership-store.js';

/** Options of {@link createMemoryOwnership}. */
export interface MemoryOwnershipOptions {
  /** Most live claims held at once (default 1_000_000); beyond it `claim` of a new uid throws. */
  readonly maxEntries?: number;
  /** Period of the incremental sweep of expired claims (default 5_000 ms). */
  readonly sweepIntervalMs?: number;
  /** Monotonic clock in milliseconds (default `performance.now`); injectable for tests. */
  readonly now?: () => number;
}

interface ResolvedOptions {
  readonly maxEntries: number;
  readonly sweepIntervalMs: number;
  readonly now: () => number;
}

interface Entry {
  readonly gatewayId: string;
  readonly token: bigint;
  expiresAt: number;
}

// One sweep tick looks at this many entries at most, so a huge map never stalls the event loop.
const SWEEP_BATCH = 10_000;

/**
 * Creates the embedded (single-process) ownership store: same semantics as
 * the Redis adapter, held in a bounded map with TTL expiry.
 *
 * Expired claims are invisible at once and removed by an incremental sweep
 * (and by a full sweep before refusing a claim for capacity). Throws
 * {@link OwnershipConfigError} for invalid options.
 */
export function createMemoryOwnership(options: MemoryOwnershipOptions = {}): OwnershipStore {
  return new MemoryOwnershipStore(resolveOptions(options));
}

function resolveOptions(options: MemoryOwnershipOptions): ResolvedOptions {
  const { maxEntries = 1_000_000, sweepIntervalMs = 5_000, now = () => performance.now() } = options;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new OwnershipConfigError(`maxEntries must be a positive integer, got ${String(maxEntries)}`);
  }
  if (!Number.isSafeInteger(sweepIntervalMs) || sweepIntervalMs < 1) {
    throw new OwnershipConfigError(`sweepIntervalMs must be a positive integer, got ${String(sweepIntervalMs)}`);
  }
  if (typeof now !== 'function') throw new OwnershipConfigError('now must be a function returning milliseconds');
  return Object.freeze({ maxEntries, sweepIntervalMs, now });
}

class MemoryOwnershipStore implements OwnershipStore {
  readonly #options: ResolvedOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #sweepTimer: NodeJS.Timeout;
  #sweepCursor: Iterator<[string, Entry]> | undefined;
  #lastToken = 0n;
  #closed = false;

  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.#sweepTimer = setInterval(() => this.#sweepSome(SWEEP_BATCH), options.sweepIntervalMs);
    // The sweep is housekeeping; it must never keep the process alive.
    this.#sweepTimer.unref();
  }

  async claim(uid: string, gatewayId: string, ttlMs: number): Promise<ClaimResult> {
    this.#assertOpen();
    assertUid(uid);
    assertGatewayId(gatewayId);
    assertTtlMs(ttlMs);
    const previous = this.#live(uid);
    if (previous === undefined) this.#ensureRoom();
    const token = ++this.#lastToken;
    this.#entries.set(uid, { gatewayId, token, expiresAt: this.#options.now() + ttlMs });
    const claim: Claim = { uid, gatewayId, token };
    return previous === undefined ? { claim } : { claim, previous: toClaim(uid, previous) };
  }

  async refresh(claims: readonly Claim[], ttlMs: number): Promise<RefreshResult> {
    this.#assertOpen();
    assertTtlMs(ttlMs);
    claims.forEach(assertClaim);
    const expiresAt = this.#options.now() + ttlMs;
    const lost: Claim[] = [];
    for (const claim of claims) {
      const entry = this.#live(claim.uid);
      if (entry !== undefined && holds(entry, claim)) entry.expiresAt = expiresAt;
      else lost.push(claim);
    }
    return { lost };
  }

  async release(claim: Claim): Promise<boolean> {
    this.#assertOpen();
    assertClaim(claim);
    const entry = this.#live(claim.uid);
    if (entry === undefined || !holds(entry, claim)) return false;
    this.#entries.delete(claim.uid);
    return true;
  }

  async owner(uid: string): Promise<Claim | undefined> {
    this.#assertOpen();
    assertUid(uid);
    const entry = this.#live(uid);
    return entry === undefined ? undefined : toClaim(uid, entry);
  }

  async owners(uids: readonly string[]): Promise<Map<string, Claim>> {
    this.#assertOpen();
    uids.forEach((uid) => assertUid(uid));
    const found = new Map<string, Claim>();
    for (const uid of uids) {
      const entry = this.#live(uid);
      if (entry !== undefined) found.set(uid, toClaim(uid, entry));
    }
    return found;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweepTimer);
    this.#entries.clear();
    this.#sweepCursor = undefined;
  }

  #assertOpen(): void {
    if (this.#closed) throw new OwnershipClosedError('the ownership store is closed');
  }

  /** The entry for `uid` if it has not expired; an expired one is removed on the way. */
  #live(uid: string): Entry | undefined {
    const entry = this.#entries.get(uid);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.#options.now()) return entry;
    this.#entries.delete(uid);
    return undefined;
  }

  #ensureRoom(): void {
    if (this.#entries.size < this.#options.maxEntries) return;
    this.#sweepCursor = undefined;
    this.#sweepSome(Number.POSITIVE_INFINITY);
    if (this.#entries.size >= this.#options.maxEntries) {
      throw new OwnershipCapacityError(`the in-memory ownership store is full (${this.#options.maxEntries} live claims)`);
    }
  }

  /** Removes expired entries among the next `budget` ones, resuming where the last sweep stopped. */
  #sweepSome(budget: number): void {
    const now = this.#options.now();
    this.#sweepCursor ??= this.#entries.entries();
    for (let seen = 0; seen < budget; seen++) {
      const next = this.#sweepCursor.next();
      if (next.done === true) {
        this.#sweepCursor = undefined;
        return;
      }
      const [uid, entry] = next.value;
      // Map iterators tolerate deletion of the current entry.
      if (entry.expiresAt <= now) this.#entries.delete(uid);
    }
  }
}

function holds(entry: Entry, claim: Claim): boolean {
  return entry.token === claim.token && entry.gatewayId === claim.gatewayId;
}

function toClaim(uid: string, entry: Entry): Claim {
  return { uid, gatewayId: entry.gatewayId, token: entry.token };
}
