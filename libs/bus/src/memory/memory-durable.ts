import type { BusMessage } from '../event-bus.js';
import type { BusLogger } from '../bus-logger.js';
import type { ResolvedConsumeOptions } from '../consume-options.js';
import type { MemoryStream, StoredMessage } from './memory-stream.js';

/** Durable-wide settings (shared by all members), as NATS keeps them on the consumer. */
export interface DurableConfig {
  readonly filterSubject: string | undefined;
  readonly ackWaitMs: number;
  readonly maxDeliver: number;
  readonly maxAckPending: number;
}

/** How a member reports the outcome of one delivery. */
export interface DeliverySettlement {
  ack(): void;
  nak(delayMs: number): void;
}

/** One running consumer attached to a durable. */
export interface DurableMember {
  /** True while the member can take one more message. */
  hasCapacity(): boolean;
  deliver(msg: BusMessage, settle: DeliverySettlement): void;
}

interface PendingEntry {
  deliveryCount: number;
  /** Identifies the current delivery, so a late nak of an earlier one is ignored. */
  token: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The server-side state of one durable consumer, as JetStream keeps it: a
 * cursor into the stream, the messages delivered but not acknowledged, and
 * the redeliveries that are due. Members attach and detach; the state stays.
 */
export class MemoryDurable {
  #cursor: number;
  #config: DurableConfig;
  readonly #pending = new Map<number, PendingEntry>();
  /** Sequences due for redelivery, ascending. */
  readonly #ready: number[] = [];
  readonly #members: DurableMember[] = [];
  #nextMember = 0;
  #nextToken = 1;

  constructor(
    private readonly stream: MemoryStream,
    readonly name: string,
    config: DurableConfig,
    startAfterLast: boolean,
    private readonly logger: BusLogger,
  ) {
    this.#config = config;
    this.#cursor = startAfterLast ? stream.lastSeq + 1 : 1;
  }

  get streamName(): string {
    return this.stream.def.name;
  }

  get config(): DurableConfig {
    return this.#config;
  }

  /** Applies new ack wait, max deliver and max ack pending (the filter is fixed at creation). */
  reconfigure(opts: ResolvedConsumeOptions): void {
    this.#config = { ...this.#config, ackWaitMs: opts.ackWaitMs, maxDeliver: opts.maxDeliver, maxAckPending: opts.maxAckPending };
  }

  attach(member: DurableMember): void {
    this.#members.push(member);
    this.pump();
  }

  detach(member: DurableMember): void {
    const i = this.#members.indexOf(member);
    if (i !== -1) this.#members.splice(i, 1);
  }

  /** Hands out as many messages as members can take. Call after anything that may free capacity or add work. */
  pump(): void {
    for (;;) {
      const member = this.#memberWithCapacity();
      if (member === undefined) return;
      const next = this.#takeRedelivery() ?? this.#takeNew();
      if (next === undefined) return;
      this.#deliver(member, next.msg, next.deliveryCount);
    }
  }

  /** Cancels every timer; the bus is closing. */
  dispose(): void {
    for (const entry of this.#pending.values()) clearTimeout(entry.timer);
    this.#pending.clear();
    this.#ready.length = 0;
  }

  #memberWithCapacity(): DurableMember | undefined {
    for (let i = 0; i < this.#members.length; i++) {
      const idx = (this.#nextMember + i) % this.#members.length;
      const member = this.#members[idx]!;
      if (member.hasCapacity()) {
        this.#nextMember = idx + 1;
        return member;
      }
    }
    return undefined;
  }

  #takeRedelivery(): { msg: StoredMessage; deliveryCount: number } | undefined {
    for (;;) {
      const seq = this.#ready.shift();
      if (seq === undefined) return undefined;
      const entry = this.#pending.get(seq);
      const msg = this.stream.get(seq, Date.now());
      if (entry === undefined) continue;
      // removed by a stream limit meanwhile: nothing left to redeliver
      if (msg === undefined) {
        this.#pending.delete(seq);
        continue;
      }
      return { msg, deliveryCount: entry.deliveryCount + 1 };
    }
  }

  #takeNew(): { msg: StoredMessage; deliveryCount: number } | undefined {
    if (this.#pending.size >= this.#config.maxAckPending) return undefined;
    const msg = this.stream.nextMatching(this.#cursor, this.#config.filterSubject, Date.now());
    if (msg === undefined) return undefined;
    this.#cursor = msg.seq + 1;
    return { msg, deliveryCount: 1 };
  }

  #deliver(member: DurableMember, stored: StoredMessage, deliveryCount: number): void {
    const seq = stored.seq;
    const token = this.#nextToken++;
    const timer = setTimeout(() => this.#onAckTimeout(seq, token), this.#config.ackWaitMs);
    timer.unref();
    this.#pending.set(seq, { deliveryCount, token, timer });
    const msg: BusMessage = Object.freeze({
      subject: stored.subject,
      data: stored.data.slice(),
      headers: stored.headers,
      deliveryCount,
      streamSequence: seq,
    });
    member.deliver(msg, {
      ack: () => this.#ack(seq),
      nak: (delayMs) => this.#nak(seq, token, delayMs),
    });
  }

  /** Acks by stream sequence, like JetStream: a late ack of an earlier delivery still counts. */
  #ack(seq: number): void {
    const entry = this.#pending.get(seq);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    this.#pending.delete(seq);
    this.pump();
  }

  #nak(seq: number, token: number, delayMs: number): void {
    const entry = this.#pending.get(seq);
    if (entry === undefined || entry.token !== token) return;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    if (this.#exhausted(seq, entry)) return;
    if (delayMs <= 0) return this.#makeReady(seq);
    entry.timer = setTimeout(() => this.#makeReady(seq), delayMs);
    entry.timer.unref();
  }

  #onAckTimeout(seq: number, token: number): void {
    const entry = this.#pending.get(seq);
    if (entry === undefined || entry.token !== token) return;
    entry.timer = undefined;
    if (!this.#exhausted(seq, entry)) this.#makeReady(seq);
  }

  #exhausted(seq: number, entry: PendingEntry): boolean {
    if (entry.deliveryCount < this.#config.maxDeliver) return false;
    this.#pending.delete(seq);
    this.logger.warn(
      { stream: this.stream.def.name, durable: this.name, streamSequence: seq, deliveries: entry.deliveryCount },
      'message dropped for this durable after maxDeliver deliveries',
    );
    this.pump();
    return true;
  }

  #makeReady(seq: number): void {
    const entry = this.#pending.get(seq);
    if (entry === undefined) return;
    entry.timer = undefined;
    let i = this.#ready.length;
    while (i > 0 && this.#ready[i - 1]! > seq) i--;
    this.#ready.splice(i, 0, seq);
    this.pump();
  }
}
