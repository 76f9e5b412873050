import { encodeAgentLivenessBatch, type IAgentLiveness, Transport, toLong } from '@shepherd/proto';
import type { AgentEntry } from './agent-entry.js';
import { newBatchId } from './holder-ids.js';

/**
 * Most agents in one AgentLivenessBatch. An entry encodes to about 75 bytes, so a batch stays
 * near 300 KiB, well under the bus's 1 MiB message limit; it is also the most heartbeats the
 * batcher holds before it publishes without waiting for its interval.
 */
export const MAX_LIVENESS_PER_BATCH = 4096;
/**
 * Most batches published and not yet settled. While the bus is slow or down, pending heartbeats
 * wait instead of piling up in publishes; once the pending set is full too, the heartbeats of
 * agents not in it are dropped (counted): liveness is best effort, the agent's next message
 * carries it again.
 */
export const MAX_LIVENESS_BATCHES_IN_FLIGHT = 4;

const NANOS_PER_MS = 1_000_000n;

/** Publishes one encoded batch; resolves true once the bus stored it, false when it could not. */
export type LivenessPublish = (data: Uint8Array, msgId: string) => Promise<boolean>;

interface PendingLiveness {
  readonly entry: AgentEntry;
  readonly sequenceNum: bigint;
  readonly atMs: number;
}

/**
 * Collects the plain heartbeats of this gateway's agents (messages that say nothing but "alive",
 * see `isPlainHeartbeat`) and publishes them as AgentLivenessBatch messages: the newest heartbeat
 * of each agent, every interval or as soon as {@link MAX_LIVENESS_PER_BATCH} agents are pending.
 * An agent heartbeating every 30 s thus costs the bus and its consumers one entry in a shared
 * message instead of a durable publish, an ack and a handler run of its own.
 *
 * Liveness only moves `last_seen_at` forward and never changes an agent's connection state, so an
 * entry may be published after the agent left, and a batch may be handled after a later message
 * of the same agent. A batch the bus could not store goes back into the pending set (unless a newer
 * heartbeat of the agent arrived meanwhile, or the set is full), to be published with the next one.
 * Memory is bounded: at most `maxPerBatch` pending entries and `maxInFlight` batches in flight.
 */
export class LivenessBatcher {
  #pending = new Map<string, PendingLiveness>();
  #timer: NodeJS.Timeout | undefined;
  readonly #inFlight = new Set<Promise<void>>();

  /**
   * @param onDropped called with the number of heartbeats dropped because the pending set was
   *   full while `maxInFlight` batches were still on their way.
   */
  constructor(
    private readonly gatewayId: string,
    private readonly publish: LivenessPublish,
    private readonly maxPerBatch = MAX_LIVENESS_PER_BATCH,
    private readonly maxInFlight = MAX_LIVENESS_BATCHES_IN_FLIGHT,
    private readonly onDropped: (count: number) => void = () => undefined,
  ) {}

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
    if (!this.#pending.has(entry.uid) && this.#pending.size >= this.maxPerBatch) {
      this.flush();
      if (this.#pending.size >= this.maxPerBatch) return this.onDropped(1);
    }
    this.#pending.set(entry.uid, { entry, sequenceNum, atMs });
    if (this.#pending.size >= this.maxPerBatch) this.flush();
  }

  /**
   * Publishes the pending heartbeats now, in batches of at most `maxPerBatch`, as far as
   * `maxInFlight` allows (the rest stay pending); returns at once.
   */
  flush(): void {
    while (this.#pending.size > 0 && this.#inFlight.size < this.maxInFlight) {
      const taken = [...this.#pending.values()].slice(0, this.maxPerBatch);
      for (const item of taken) this.#pending.delete(item.entry.uid);
      const work = this.#publishBatch(taken).finally(() => this.#inFlight.delete(work));
      this.#inFlight.add(work);
    }
  }

  /** Resolves when the batches published so far are settled (stored, or back in the pending set). */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  async #publishBatch(batch: readonly PendingLiveness[]): Promise<void> {
    const data = encodeAgentLivenessBatch({ gatewayId: this.gatewayId, agents: batch.map(toLiveness) });
    if (await this.publish(data, newBatchId('liveness'))) return;
    for (const item of batch) {
      if (this.#pending.size >= this.maxPerBatch) return;
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
