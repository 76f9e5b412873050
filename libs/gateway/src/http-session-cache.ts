import type { AgentEntry } from './agent-entry.js';

/** Why an HTTP session left the cache. */
export type HttpSessionEnd = 'idle' | 'evicted';

interface Slot {
  readonly entry: AgentEntry;
  lastSeenMs: number;
}

/**
 * HTTP agents between polls, by uid: an LRU bounded by `maxEntries` (the
 * least recently seen is evicted) with idle expiry after `idleMs`. Expired
 * sessions are invisible at once; {@link sweep} removes them and reports
 * each end through `onEnd` (so the gateway releases ownership and
 * announces the disconnect).
 */
export class HttpSessionCache {
  // Insertion order is recency order: touching an entry re-inserts it at the end.
  readonly #slots = new Map<string, Slot>();

  constructor(
    private readonly maxEntries: number,
    private readonly idleMs: number,
    private readonly onEnd: (entry: AgentEntry, why: HttpSessionEnd) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Live sessions (including expired ones not swept yet). */
  get size(): number {
    return this.#slots.size;
  }

  /** The live session of `uid`, without touching it. */
  peek(uid: string): AgentEntry | undefined {
    const slot = this.#slots.get(uid);
    if (slot === undefined || this.now() - slot.lastSeenMs >= this.idleMs) return undefined;
    return slot.entry;
  }

  /** Marks `uid` as seen now (moves it to the most recent end). */
  touch(uid: string): void {
    const slot = this.#slots.get(uid);
    if (slot === undefined) return;
    this.#slots.delete(uid);
    slot.lastSeenMs = this.now();
    this.#slots.set(uid, slot);
  }

  /** Adds or replaces the session of `entry.uid`; evicts the least recently seen beyond the bound. */
  set(entry: AgentEntry): void {
    const previous = this.#slots.get(entry.uid);
    this.#slots.delete(entry.uid);
    if (previous !== undefined && previous.entry !== entry) {
      this.onEnd(previous.entry, this.now() - previous.lastSeenMs >= this.idleMs ? 'idle' : 'evicted');
    }
    this.#slots.set(entry.uid, { entry, lastSeenMs: this.now() });
    this.sweep();
    while (this.#slots.size > this.maxEntries) {
      const [uid, oldest] = this.#slots.entries().next().value as [string, Slot];
      this.#slots.delete(uid);
      this.onEnd(oldest.entry, 'evicted');
    }
  }

  /** Removes `uid` if `entry` is still its session; no callback. Returns whether it removed. */
  delete(uid: string, entry: AgentEntry): boolean {
    if (this.#slots.get(uid)?.entry !== entry) return false;
    this.#slots.delete(uid);
    return true;
  }

  /** Ends every expired session (oldest first; stops at the first live one). */
  sweep(): void {
    const now = this.now();
    for (const [uid, slot] of this.#slots) {
      if (now - slot.lastSeenMs < this.idleMs) return;
      this.#slots.delete(uid);
      this.onEnd(slot.entry, 'idle');
    }
  }

  /** Every session, live or not, for shutdown. */
  entries(): AgentEntry[] {
    return [...this.#slots.values()].map((s) => s.entry);
  }

  /** Forgets everything without callbacks. */
  clear(): void {
    this.#slots.clear();
  }
}
