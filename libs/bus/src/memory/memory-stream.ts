import type { PublishReceipt } from '../event-bus.js';
import type { ResolvedStreamDefinition } from '../stream-definition.js';
import { subjectMatches } from '../subject-match.js';

/** One message as stored in a {@link MemoryStream}. */
export interface StoredMessage {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: ReadonlyMap<string, string>;
  readonly storedAt: number;
}

/** Compact the backing array once this many removed slots sit at its head. */
const COMPACT_AFTER = 1_024;

/**
 * A bounded in-memory log, like a JetStream stream with limits retention:
 * sequences start at 1 and never repeat; the oldest messages go first when
 * maxMsgs, maxBytes or maxAgeMs is exceeded; msgIds are remembered for the
 * duplicate window (and at most maxMsgs of them).
 */
export class MemoryStream {
  #def: ResolvedStreamDefinition;
  #log: StoredMessage[] = [];
  #head = 0;
  #lastSeq = 0;
  #bytes = 0;
  readonly #dedupe = new Map<string, { seq: number; at: number }>();

  constructor(def: ResolvedStreamDefinition) {
    this.#def = def;
  }

  get def(): ResolvedStreamDefinition {
    return this.#def;
  }

  /** Sequence of the newest message ever stored (0 when none). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Replaces subjects and limits; older messages beyond the new limits go at once. */
  update(def: ResolvedStreamDefinition, now: number): void {
    this.#def = def;
    this.#trim(now);
  }

  /** True when a message on the literal `subject` is stored here. */
  captures(subject: string): boolean {
    return this.#def.subjects.some((pattern) => subjectMatches(pattern, subject));
  }

  /** Stores a message (or recognises a duplicate msgId) and returns the receipt. */
  append(subject: string, data: Uint8Array, headers: ReadonlyMap<string, string>, msgId: string | undefined, now: number): PublishReceipt {
    this.#trim(now);
    if (msgId !== undefined) {
      const seen = this.#dedupe.get(msgId);
      if (seen !== undefined) return { stream: this.#def.name, sequence: seen.seq, duplicate: true };
    }
    const seq = ++this.#lastSeq;
    this.#log.push({ seq, subject, data, headers, storedAt: now });
    this.#bytes += data.byteLength;
    if (msgId !== undefined) this.#dedupe.set(msgId, { seq, at: now });
    this.#trim(now);
    return { stream: this.#def.name, sequence: seq, duplicate: false };
  }

  /** The stored message with sequence `seq`, unless it was removed by a limit. */
  get(seq: number, now: number): StoredMessage | undefined {
    this.#trim(now);
    const first = this.#log[this.#head];
    if (first === undefined || seq < first.seq) return undefined;
    return this.#log[this.#head + (seq - first.seq)];
  }

  /** The first stored message with sequence >= `fromSeq` whose subject matches `filter` (any when undefined). */
  nextMatching(fromSeq: number, filter: string | undefined, now: number): StoredMessage | undefined {
    this.#trim(now);
    const first = this.#log[this.#head];
    if (first === undefined) return undefined;
    for (let i = this.#head + Math.max(0, fromSeq - first.seq); i < this.#log.length; i++) {
      const msg = this.#log[i]!;
      if (filter === undefined || subjectMatches(filter, msg.subject)) return msg;
    }
    return undefined;
  }

  #trim(now: number): void {
    const { maxMsgs, maxBytes, maxAgeMs, duplicateWindowMs } = this.#def;
    const oldestAllowed = maxAgeMs > 0 ? now - maxAgeMs : -Infinity;
    for (;;) {
      const oldest = this.#log[this.#head];
      if (oldest === undefined) break;
      const count = this.#log.length - this.#head;
      const over = count > maxMsgs || (maxBytes >= 0 && this.#bytes > maxBytes) || oldest.storedAt < oldestAllowed;
      if (!over) break;
      this.#bytes -= oldest.data.byteLength;
      this.#head++;
    }
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#log.length) {
      this.#log = this.#log.slice(this.#head);
      this.#head = 0;
    }
    // Map iteration follows insertion order, so the oldest ids come first
    for (const [id, seen] of this.#dedupe) {
      if (seen.at > now - duplicateWindowMs && this.#dedupe.size <= maxMsgs) break;
      this.#dedupe.delete(id);
    }
  }
}
