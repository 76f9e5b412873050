import type { IServerToAgent } from '@shepherd/proto';
import { OpampCoreOptionError } from './errors.js';

/** One ServerToAgent waiting for an HTTP agent's next poll. */
export interface PendingDelivery {
  /** The bus DeliveryKind; one pending delivery per (uid, kind). */
  readonly kind: number;
  /** The decoded message as the service sent it (gated when merged, not when stored). */
  readonly message: IServerToAgent;
  /** Encoded size, counted against `maxBytes`. */
  readonly sizeBytes: number;
  /** When the service issued it (ns); 0n when unknown. */
  readonly issuedAtUnixNano: bigint;
}

/** Options of {@link DeliveryMailbox}. */
export interface DeliveryMailboxOptions {
  /** Most agents with something pending; beyond it the oldest deliveries are evicted. */
  readonly maxAgents: number;
  /** Most bytes pending in total; beyond it the oldest deliveries are evicted. */
  readonly maxBytes: number;
}

/** What {@link DeliveryMailbox.put} did. */
export type PutOutcome = 'stored' | 'replaced' | 'stale' | 'too-large';

/** Counters since construction, plus the current size. */
export interface MailboxStats {
  readonly agents: number;
  readonly entries: number;
  readonly bytes: number;
  /** Deliveries removed to stay within the bounds. */
  readonly evicted: number;
  /** Deliveries replaced by a newer one of the same kind. */
  readonly replaced: number;
  /** Deliveries refused because an already held one of the same kind was issued later. */
  readonly stale: number;
  /** Deliveries refused because alone they exceed `maxBytes`. */
  readonly tooLarge: number;
}

interface Slot {
  readonly uid: string;
  readonly delivery: PendingDelivery;
}

/**
 * Holds, for plain-HTTP agents, the latest pending delivery of each kind
 * (wire-facts §6.3, §7.28): never a backlog. Bounded in agents and bytes;
 * when full, the oldest-stored deliveries are evicted first and counted.
 * O(1) per put and remove; no timers (idle expiry is the caller's job via {@link drop}).
 */
export class DeliveryMailbox {
  readonly #options: Readonly<DeliveryMailboxOptions>;
  // Insertion order is age order: a replaced entry is re-inserted at the end.
  readonly #slots = new Map<string, Slot>();
  readonly #kindsByUid = new Map<string, Set<number>>();
  #bytes = 0;
  #evicted = 0;
  #replaced = 0;
  #stale = 0;
  #tooLarge = 0;

  /** @throws {OpampCoreOptionError} when a bound is not a positive safe integer. */
  constructor(options: DeliveryMailboxOptions) {
    for (const name of ['maxAgents', 'maxBytes'] as const) {
      const v = options[name];
      if (!Number.isSafeInteger(v) || v < 1) throw new OpampCoreOptionError(`DeliveryMailbox: ${name} must be a positive integer, got ${String(v)}`);
    }
    this.#options = Object.freeze({ maxAgents: options.maxAgents, maxBytes: options.maxBytes });
  }

  /** Stores `delivery` for `uid`, replacing a pending one of the same kind unless that one was issued later. */
  put(uid: string, delivery: PendingDelivery): PutOutcome {
    if (delivery.sizeBytes > this.#options.maxBytes) {
      this.#tooLarge += 1;
      return 'too-large';
    }
    const key = slotKey(uid, delivery.kind);
    const held = this.#slots.get(key);
    if (held !== undefined && isOlder(delivery, held.delivery)) {
      this.#stale += 1;
      return 'stale';
    }
    if (held !== undefined) {
      this.#remove(key, held);
      this.#replaced += 1;
    }
    this.#slots.set(key, { uid, delivery });
    this.#bytes += delivery.sizeBytes;
    let kinds = this.#kindsByUid.get(uid);
    if (kinds === undefined) this.#kindsByUid.set(uid, (kinds = new Set()));
    kinds.add(delivery.kind);
    this.#evictOverflow();
    return held === undefined ? 'stored' : 'replaced';
  }

  /** The pending deliveries of `uid`, ordered by kind; nothing is removed. */
  peek(uid: string): PendingDelivery[] {
    const kinds = this.#kindsByUid.get(uid);
    if (kinds === undefined) return [];
    return [...kinds]
      .sort((a, b) => a - b)
      .map((kind) => this.#slots.get(slotKey(uid, kind))?.delivery)
      .filter((d): d is PendingDelivery => d !== undefined);
  }

  /** Removes the pending deliveries of `uid` with the given kinds (those merged into a reply). */
  remove(uid: string, kinds: Iterable<number>): void {
    for (const kind of kinds) {
      const key = slotKey(uid, kind);
      const slot = this.#slots.get(key);
      if (slot !== undefined) this.#remove(key, slot);
    }
  }

  /** Removes and returns everything pending for `uid`. */
  take(uid: string): PendingDelivery[] {
    const all = this.peek(uid);
    this.remove(uid, all.map((d) => d.kind));
    return all;
  }

  /** Forgets `uid` (agent disconnected or went idle); returns how many deliveries were dropped. */
  drop(uid: string): number {
    return this.take(uid).length;
  }

  /** Current size and counters. */
  get stats(): MailboxStats {
    return {
      agents: this.#kindsByUid.size,
      entries: this.#slots.size,
      bytes: this.#bytes,
      evicted: this.#evicted,
      replaced: this.#replaced,
      stale: this.#stale,
      tooLarge: this.#tooLarge,
    };
  }

  #remove(key: string, slot: Slot): void {
    this.#slots.delete(key);
    this.#bytes -= slot.delivery.sizeBytes;
    const kinds = this.#kindsByUid.get(slot.uid);
    kinds?.delete(slot.delivery.kind);
    if (kinds?.size === 0) this.#kindsByUid.delete(slot.uid);
  }

  #evictOverflow(): void {
    while (this.#bytes > this.#options.maxBytes || this.#kindsByUid.size > this.#options.maxAgents) {
      const oldest = this.#slots.entries().next();
      if (oldest.done === true) return;
      this.#remove(oldest.value[0], oldest.value[1]);
      this.#evicted += 1;
    }
  }
}

function slotKey(uid: string, kind: number): string {
  return `${uid}#${kind}`;
}

function isOlder(incoming: PendingDelivery, held: PendingDelivery): boolean {
  return incoming.issuedAtUnixNano !== 0n && held.issuedAtUnixNano !== 0n && incoming.issuedAtUnixNano < held.issuedAtUnixNano;
}
