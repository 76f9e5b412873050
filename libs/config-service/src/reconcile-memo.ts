import type { AgentSnapshot } from './agent-record.js';
import type { RemoteConfigStatusRecord } from './agent-reports.js';
import type { OfferRecord, ReconcileView } from './config-state-repository.js';
import { ConfigServiceOptionsError } from './errors.js';
import { LRUCache } from 'lru-cache';

/** Options of {@link ReconcileMemo}. */
export interface ReconcileMemoOptions {
  /** Agents remembered at most (least recently used dropped beyond it). */
  readonly maxEntries: number;
  /** A view read longer ago than this is read again; 0 disables the memo (every report reads). */
  readonly maxAgeMs: number;
  /** Wall clock in ms. */
  readonly now: () => number;
}

/** Taken before a view is read from the store; {@link ReconcileMemo.remember} checks it. */
export interface ReadTicket {
  readonly epoch: number;
  readonly stamp: number;
}

/**
 * The store-derived part of one agent's reconcile view, flat to keep an entry small. The
 * inventory part (capabilities, connection, gateway) is taken from the agent's latest
 * snapshot when the view is composed, so it is never stale.
 */
interface Entry {
  readonly epoch: number;
  /** When the view was read from the store; the entry expires `maxAgeMs` later. */
  readonly readAt: number;
  /** Order of writes to the memo, to refuse a read that a write-through overtook. */
  readonly stamp: number;
  readonly tenantId: string;
  /** The agent's description digest the view was read under; `undefined` when unknown (a fan-out read). */
  readonly descriptionDigest: string | undefined;
  readonly targetHash: string | null;
  readonly targetStatus: ReconcileView['targetStatus'];
  readonly reportedHash: string | null;
  readonly reportedStatus: ReconcileView['reportedStatus'];
  readonly reportedError: string | null;
  readonly offeredHash: string | null;
  readonly offeredAt: number | null;
}

/**
 * Remembers each described, connected agent's reconcile view so that a report that cannot
 * change the decision (a plain heartbeat, or a status report the memo can apply itself) is
 * decided without reading the store. The target hash depends on the agent's labels and tenant
 * and on the assignments, so an entry is valid only while:
 * - no config change was handled since it was read (`configChanged` starts a new epoch);
 * - the agent sent no other description than the one the view was read under (the caller
 *   reports each description with `described`) and kept its tenant;
 * - it is younger than `maxAgeMs`: the bound on how long a change this process did not see
 *   (written by another replica, or whose event was lost) stays unnoticed by a quiet agent.
 * The memo's own writes (`statusRecorded`, `offersRecorded`) mirror the store statements they
 * follow. Memory is bounded by `maxEntries`.
 */
export class ReconcileMemo {
  readonly #entries: LRUCache<string, Entry>;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #epoch = 0;
  #stamp = 0;
  #lastForget = 0;

  /** @throws ConfigServiceOptionsError for a negative or non-integer age, or a bad size */
  constructor(options: ReconcileMemoOptions) {
    if (!Number.isSafeInteger(options.maxAgeMs) || options.maxAgeMs < 0) {
      throw new ConfigServiceOptionsError(`maxAgeMs must be a non-negative integer, got ${String(options.maxAgeMs)}`);
    }
    if (!Number.isSafeInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new ConfigServiceOptionsError(`maxEntries must be a positive integer, got ${String(options.maxEntries)}`);
    }
    this.#entries = new LRUCache<string, Entry>({ max: options.maxEntries });
    this.#maxAgeMs = options.maxAgeMs;
    this.#now = options.now;
  }

  /** Agents remembered now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Take one before reading views from the store, and pass it to {@link remember}. */
  ticket(): ReadTicket {
    return { epoch: this.#epoch, stamp: ++this.#stamp };
  }

  /**
   * Remembers `view` as read under `ticket`. Not kept when a config change was handled or any
   * agent was forgotten since the ticket, or when a newer entry for the agent exists (the read
   * may predate what that entry saw). An agent the memo never answers for (offline,
   * undescribed) is dropped. `descriptionDigest`: the agent's, when the read followed its
   * latest description (see {@link described}).
   */
  remember(view: ReconcileView, ticket: ReadTicket, descriptionDigest?: string): void {
    if (this.#maxAgeMs === 0) return;
    if (!view.connected || !view.described) {
      this.#entries.delete(view.instanceUid);
      return;
    }
    if (ticket.epoch !== this.#epoch || ticket.stamp <= this.#lastForget) return;
    const existing = this.#entries.get(view.instanceUid);
    if (existing !== undefined && existing.stamp > ticket.stamp) return;
    this.#entries.set(view.instanceUid, {
      epoch: ticket.epoch,
      readAt: this.#now(),
      stamp: ++this.#stamp,
      tenantId: view.tenantId,
      descriptionDigest,
      targetHash: view.targetHash,
      targetStatus: view.targetStatus,
      reportedHash: view.reportedHash,
      reportedStatus: view.reportedStatus,
      reportedError: view.reportedError,
      offeredHash: view.offeredHash,
      offeredAt: view.offeredAt?.getTime() ?? null,
    });
  }

  /** The agent's view composed from the memo and `agent`; `undefined` when it must be read. */
  view(agent: AgentSnapshot): ReconcileView | undefined {
    const entry = this.#fresh(agent.instanceUid);
    if (entry === undefined || !agent.described || !agent.connected || entry.tenantId !== agent.tenantId) return undefined;
    if (entry.descriptionDigest !== undefined && entry.descriptionDigest !== agent.descriptionDigest) return undefined;
    return Object.freeze({
      instanceUid: agent.instanceUid,
      tenantId: agent.tenantId,
      capabilities: agent.capabilities,
      connected: agent.connected,
      described: agent.described,
      gatewayId: agent.gatewayId,
      targetHash: entry.targetHash,
      targetStatus: entry.targetStatus,
      reportedHash: entry.reportedHash,
      reportedStatus: entry.reportedStatus,
      reportedError: entry.reportedError,
      offeredHash: entry.offeredHash,
      offeredAt: entry.offeredAt === null ? null : new Date(entry.offeredAt),
      fullStateRequestedAt: null,
    });
  }

  /**
   * True when the agent's stored RemoteConfigStatus is known to equal `status` already, so
   * recording it again would change no row. (Only `recordRemoteConfigStatus` writes those
   * columns, and it writes the status of a hash and the agent's current status together.)
   */
  hasStatus(instanceUid: string, status: RemoteConfigStatusRecord): boolean {
    const entry = this.#fresh(instanceUid);
    return (
      entry !== undefined &&
      entry.reportedStatus === status.status &&
      entry.reportedHash === status.lastRemoteConfigHash &&
      entry.reportedError === storedError(status)
    );
  }

  /** Mirrors `recordRemoteConfigStatus`: the reported status, and the target's status when it names the target. */
  statusRecorded(instanceUid: string, status: RemoteConfigStatusRecord): void {
    this.#update(instanceUid, (entry) => ({
      reportedHash: status.lastRemoteConfigHash,
      reportedStatus: status.status,
      reportedError: storedError(status),
      targetStatus: status.lastRemoteConfigHash !== null && status.lastRemoteConfigHash === entry.targetHash ? status.status : entry.targetStatus,
    }));
  }

  /** Mirrors `recordOffers`: each agent was offered its hash at `at`. */
  offersRecorded(offers: readonly OfferRecord[], at: number): void {
    for (const offer of offers) this.#update(offer.instanceUid, () => ({ offeredHash: offer.hash, offeredAt: at }));
  }

  /**
   * The agent sent a description, now stored as `agent.descriptionDigest`: its entry is kept
   * only when it was read under that same description (a reconnect's full report repeats it);
   * otherwise the agent is forgotten, since its labels, hence its target, may have changed.
   */
  described(agent: AgentSnapshot): void {
    const entry = this.#entries.get(agent.instanceUid);
    if (entry === undefined || entry.descriptionDigest !== agent.descriptionDigest) this.forget(agent.instanceUid);
  }

  /** Drops the agent's entry (new description, reconnect). */
  forget(instanceUid: string): void {
    this.#entries.delete(instanceUid);
    // A read in flight (a fan-out batch) may have seen the agent before the change that made
    // the caller forget it; which agents a batch holds is not tracked, so none of them is kept.
    this.#lastForget = ++this.#stamp;
  }

  /** A config change was handled: every entry read before now is stale. */
  configChanged(): void {
    this.#epoch += 1;
  }

  #fresh(instanceUid: string): Entry | undefined {
    const entry = this.#entries.get(instanceUid);
    if (entry === undefined) return undefined;
    if (entry.epoch !== this.#epoch || this.#now() - entry.readAt >= this.#maxAgeMs) {
      this.#entries.delete(instanceUid);
      return undefined;
    }
    return entry;
  }

  #update(instanceUid: string, change: (entry: Entry) => Partial<Entry>): void {
    const entry = this.#fresh(instanceUid);
    if (entry === undefined) return;
    this.#entries.set(instanceUid, { ...entry, ...change(entry), stamp: ++this.#stamp });
  }
}

/** The error message as `recordRemoteConfigStatus` stores it (none is NULL). */
function storedError(status: RemoteConfigStatusRecord): string | null {
  return status.errorMessage === '' ? null : status.errorMessage;
}
