import { encodeAgentLivenessBatch, type IAgentLiveness, Transport, toLong } from '@shepherd/proto';
import type { AgentEntry } from './agent-entry.js';
import { newBatchId } from './holder-ids.js';

/**
 * Most agents in one AgentLivenessBatch. An entry encodes to about 75 bytes, so a batch stays
 * near 300 KiB, well under the bus's 1 MiB message limit.
 */
export const MAX_LIVENESS_PER_BATCH = 4096;
/**
 * Most batches published and not yet settled. While the bus is slow or down, pending heartbeats
 * wait instead of piling up in publishes; once the pending set is full too, the heartbeats of
 * agents not in it are dropped (counted): liveness is best effort, the agent's next message
 * carries it again.
 */
export const MAX_LIVENESS_BATCHES_IN_FLIGHT = 4;
/**
 * Most agents with a heartbeat pending, and the count at which the batcher publishes without
 * waiting for its interval: four batches. Larger than one batch, so that agents polling more
 * often than the interval (HTTP agents every few seconds) still cost one entry per interval:
 * with the bound at one batch, 8 000 agents polling every second filled it twice a second and
 * every poll became an entry.
 */
export const MAX_LIVENESS_PENDING = 4 * MAX_LIVENESS_PER_BATCH;

/** Bounds of a {@link LivenessBatcher}; every field has the default named after it. */
export interface LivenessBatcherLimits {
  /** Most agents in one batch (default {@link MAX_LIVENESS_PER_BATCH}). */
  readonly maxPerBatch?: number;
  /** Most batches published and not settled (default {@link MAX_LIVENESS_BATCHES_IN_FLIGHT}). */
  readonly maxInFlight?: number;
  /** Most agents pending; reaching it publishes at once (default {@link MAX_LIVENESS_PENDING}). */
  readonly maxPending?: number;
  /** Called with the number of heartbeats dropped because the pending set was full while `maxInFlight` batches were still on their way. */
  readonly onDropped?: (count: number) => void;
}

const NANOS_PER_MS = 1_000_000n;

/** Publishes one encoded batch; resolves true once the bus stored it, false when it could not. */
export type LivenessPublish = (data: Uint8Array, msgId: string) => Promise<boolean>;

interface PendingLiveness {
  readonly entry: AgentEntry;
  sequenceNum: bigint;
  atMs: number;
}

/**
 * Collects the plain heartbeats of this gateway's agents (messages that say nothing but "alive",
 * see `isPlainHeartbeat`) and publishes them as AgentLivenessBatch messages: the newest heartbeat
 * of each agent, every interval or as soon as `maxPending` agents are pending, in batches of at
 * most `maxPerBatch`.
 * An agent heartbeating every 30 s thus costs the bus and its consumers one entry in a shared
 * message instead of a durable publish, an ack and a handler run of its own.
 *
 * Liveness only moves `last_seen_at` forward and never changes an agent's connection state, so an
 * entry may be published after the agent left, and a batch may be handled after a later message
 * of the same agent. A batch the bus could not store goes back into the pending set (unless a newer
 * heartbeat of the agent arrived meanwhile, or the set is full), to be published with the next one.
 * Memory is bounded: at most `maxPending` pending entries and `maxInFlight` batches in flight.
 */
export class LivenessBatcher {
  #pending = new Map<string, PendingLiveness>();
  #timer: NodeJS.Timeout | undefined;
  readonly #inFlight = new Set<Promise<void>>();

  readonly #maxPerBatch: number;
  readonly #maxInFlight: number;
  readonly #maxPending: number;
  readonly #onDropped: (count: number) => void;

  constructor(
    private readonly gatewayId: string,
    private readonly publish: LivenessPublish,
    limits: LivenessBatcherLimits = {},
  ) {
    this.#maxPerBatch = limits.maxPerBatch ?? MAX_LIVENESS_PER_BATCH;
    this.#maxInFlight = limits.maxInFlight ?? MAX_LIVENESS_BATCHES_IN_FLIGHT;
    this.#maxPending = limits.maxPending ?? MAX_LIVENESS_PENDING;
    this.#onDropped = limits.onDropped ?? (() => undefined);
  }

  /** Agents with a heartbeat waiting to be published. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Publishes what is pending every `intervalMs` (unref'd timer). Idempotent. */
  start(intervalMs: number): void {
    this.#timer ??= setInterval(() => this.flush(), intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer; what is pending stays until {@link flush}. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Records `entry`'s plain heartbeat `sequenceNum` received at `atMs`, replacing an older pending one. */
  record(entry: AgentEntry, sequenceNum: bigint, atMs: number): void {
    const pending = this.#pending.get(entry.uid);
    // Updated in place: an agent polling faster than the interval costs no allocation and no second lookup.
    if (pending?.entry === entry) {
      pending.sequenceNum = sequenceNum;
      pending.atMs = atMs;
      return;
    }
    if (pending === undefined && this.#pending.size >= this.#maxPending) {
      this.flush();
      if (this.#pending.size >= this.#maxPending) return this.#onDropped(1);
    }
    this.#pending.set(entry.uid, { entry, sequenceNum, atMs });
    if (this.#pending.size >= this.#maxPending) this.flush();
  }

  /**
   * Publishes the pending heartbeats now, in batches of at most `maxPerBatch`, as far as
   * `maxInFlight` allows (the rest stay pending); returns at once.
   */
  flush(): void {
    while (this.#pending.size > 0 && this.#inFlight.size < this.#maxInFlight) {
      const taken = this.#take();
      const work = this.#publishBatch(taken).finally(() => this.#inFlight.delete(work));
      this.#inFlight.add(work);
    }
  }

  /** Removes and returns the oldest pending heartbeats, at most one batch of them. */
  #take(): PendingLiveness[] {
    const taken: PendingLiveness[] = [];
    for (const item of this.#pending.values()) {
      if (taken.length === this.#maxPerBatch) break;
      taken.push(item);
    }
    for (const item of taken) this.#pending.delete(item.entry.uid);
    return taken;
  }

  /** Resolves when the batches published so far are settled (stored, or back in the pending set). */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  async #publishBatch(batch: readonly PendingLiveness[]): Promise<void> {
    const data = encodeAgentLivenessBatch({ gatewayId: this.gatewayId, agents: batch.map(toLiveness) });
    if (await this.publish(data, newBatchId('liveness'))) return;
    for (const item of batch) {
      if (this.#pending.size >= this.#maxPending) return;
      if (!this.#pending.has(item.entry.uid)) this.#pending.set(item.entry.uid, item);
    }
  }
}

function toLiveness({ entry, sequenceNum, atMs }: PendingLiveness): IAgentLiveness {
  return {
    instanceUid: entry.uidBytes,
    sequenceNum: toLong(sequenceNum),
    seenAtUnixNano: toLong(BigInt(atMs) * NANOS_PER_MS),
    tenantId: entry.principal.tenantId,
    transport: entry.transport === 'websocket' ? Transport.TRANSPORT_WEBSOCKET : Transport.TRANSPORT_HTTP,
    connectionId: entry.holderId,
  };
}
