import type { Claim, OwnershipStore } from '@shepherd/ownership';
import type { Logger } from '@shepherd/runtime';
import type { GatewayMetrics } from './gateway-metrics.js';

/** Called when a claim was found lost (replaced elsewhere or expired); drop that holder's agent. */
export type ClaimLostHandler = (uid: string, holderId: string) => void;

interface Held {
  /** The connection (WebSocket) or HTTP session that currently holds the agent on this gateway. */
  holderId: string;
  claim: Claim | undefined;
}

/**
 * This gateway's ownership claims: one per agent uid, tagged with the local
 * holder (connection or HTTP session) so a replaced holder can never release
 * its successor's claim. All claims are refreshed in ONE batched `refresh`
 * call every ttl/3; claims reported lost are forgotten and their holders are
 * dropped through `onLost`. Releases are fenced by the store.
 */
export class OwnershipKeeper {
  readonly #held = new Map<string, Held>();
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | undefined;

  constructor(
    private readonly store: OwnershipStore,
    private readonly gatewayId: string,
    private readonly ttlMs: number,
    private readonly logger: Logger,
    private readonly metrics: GatewayMetrics,
    private readonly onLost: ClaimLostHandler,
  ) {}

  /** Starts the periodic refresh (every ttl/3). */
  start(): void {
    this.#timer ??= setInterval(() => void this.refreshNow(), Math.max(1, Math.floor(this.ttlMs / 3)));
    this.#timer.unref();
  }

  /** Stops the periodic refresh. Claims stay held until released or expired. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Claims currently held (settled claims only). */
  get size(): number {
    return this.#held.size;
  }

  /** The settled claim of `uid`, if this gateway holds one. */
  claimOf(uid: string): Claim | undefined {
    return this.#held.get(uid)?.claim;
  }

  /**
   * Claims `uid` for `holderId` (replacing any local holder at once). The
   * returned promise never rejects: a store failure is logged and counted,
   * the agent is served anyway, and it resolves `false` (the caller retries on
   * the agent's next message); otherwise `true`, also when another local
   * holder took the agent over meanwhile.
   */
  async claim(uid: string, holderId: string): Promise<boolean> {
    const held: Held = { holderId, claim: undefined };
    this.#held.set(uid, held);
    try {
      const { claim } = await this.store.claim(uid, this.gatewayId, this.ttlMs);
      if (this.#held.get(uid) === held) {
        held.claim = claim;
      } else {
        // Superseded locally while in flight, or released: give it back (fenced, harmless if already replaced).
        await this.store.release(claim);
      }
      return true;
    } catch (err) {
      if (this.#held.get(uid) === held) this.#held.delete(uid);
      this.metrics.errors.inc({ code: 'ownership_claim_failed' });
      this.logger.warn({ err, uid }, 'ownership claim failed');
      return false;
    }
  }

  /** True when `holderId` holds (or is claiming) `uid` here. */
  holds(uid: string, holderId: string): boolean {
    return this.#held.get(uid)?.holderId === holderId;
  }

  /** Fenced release of `uid`, only if `holderId` still holds it here. Never rejects. */
  async release(uid: string, holderId: string): Promise<void> {
    const held = this.#held.get(uid);
    if (held === undefined || held.holderId !== holderId) return;
    this.#held.delete(uid);
    if (held.claim === undefined) return;
    try {
      await this.store.release(held.claim);
    } catch (err) {
      this.metrics.errors.inc({ code: 'ownership_release_failed' });
      this.logger.warn({ err, uid }, 'ownership release failed; the claim will expire');
    }
  }

  /** Refreshes every settled claim in one call and drops the lost ones. Concurrent calls share one run. */
  refreshNow(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  async #refresh(): Promise<void> {
    const claims = [...this.#held.values()].flatMap((h) => (h.claim === undefined ? [] : [h.claim]));
    if (claims.length === 0) return;
    let lost: Claim[];
    try {
      ({ lost } = await this.store.refresh(claims, this.ttlMs));
    } catch (err) {
      this.metrics.errors.inc({ code: 'ownership_refresh_failed' });
      this.logger.warn({ err, claims: claims.length }, 'ownership refresh failed; retrying next period');
      return;
    }
    for (const claim of lost) {
      const held = this.#held.get(claim.uid);
      if (held?.claim?.token !== claim.token) continue;
      this.#held.delete(claim.uid);
      this.metrics.drops.inc({ reason: 'ownership_lost' });
      this.onLost(claim.uid, held.holderId);
    }
  }
}
