import type { SqlExecutor } from '@shepherd/store';
import { ConfigServiceOptionsError } from './errors.js';
import { type ServiceLogger, errorFields } from './service-logger.js';

/** One agent's liveness: what a message that changed nothing else has to say. */
export interface LivenessUpdate {
  /** Canonical lower-case uuid text. */
  readonly instanceUid: string;
  /** Becomes `last_seen_at`. */
  readonly at: Date;
  /** Becomes `sequence_num` (`null` when out of int8 range). */
  readonly sequenceNum: bigint | null;
  /** Health summary whose metrics changed; `undefined` keeps the stored health. */
  readonly health?: unknown;
}

/** What the writer counts; the service metrics implement it. */
export interface LivenessMetrics {
  /** `queued` (a new agent pending), `coalesced` (replaced a pending one), `written`, `dropped`. */
  liveness(outcome: 'queued' | 'coalesced' | 'written' | 'dropped', count?: number): void;
  /** One flush attempt that wrote something (`ok`) or failed (`failed`). */
  livenessFlush(outcome: 'ok' | 'failed'): void;
}

/** Options of {@link createLivenessWriter}. */
export interface LivenessWriterOptions {
  readonly store: SqlExecutor;
  readonly logger: ServiceLogger;
  readonly metrics?: LivenessMetrics;
  /** Pending updates are written this often (default 5 000 ms, 1..3 600 000). */
  readonly flushIntervalMs?: number;
  /** Most agents pending; reaching it starts a flush, going beyond drops the oldest (default 50 000, 1..10 000 000). */
  readonly maxPending?: number;
  /** Agents per UPDATE statement (default 5 000, 1..50 000). */
  readonly chunkSize?: number;
}

/**
 * Batches liveness writes (`last_seen_at`, `sequence_num`, deferred health metrics): updates are
 * coalesced per agent, the latest winning (a health it lacks is taken from the one it replaces),
 * and written every `flushIntervalMs` as one UPDATE per chunk of agents. An update never moves
 * `last_seen_at` back, so an immediate write of a newer message is not undone. Liveness is
 * advisory: a failed flush is logged and retried with the next one, and beyond `maxPending` the
 * oldest updates are dropped (counted as `dropped`). Updates of agents without a row are ignored.
 */
export interface LivenessWriter {
  /** Queues `update`, replacing the agent's pending one. After `stop()` it is dropped. */
  enqueue(update: LivenessUpdate): void;
  /**
   * Removes and returns the agent's pending update, or returns (without removing) the one being
   * flushed; the caller writes the agent at once and can carry its health along.
   */
  take(instanceUid: string): LivenessUpdate | undefined;
  /** Agents pending (not counting a flush in progress). */
  readonly pending: number;
  /**
   * Writes every update pending when called (after a flush in progress). Resolves when done; a
   * store error is logged, counted and the unwritten updates are queued again (never rejects).
   */
  flush(): Promise<void>;
  /** Stops the timer and flushes once more; what that flush cannot write is dropped. Idempotent. */
  stop(): Promise<void>;
}

const FLUSH_SQL = `UPDATE agents AS a
   SET last_seen_at = v.at, sequence_num = v.seq, health = COALESCE(v.health, a.health)
  FROM unnest($1::uuid[], $2::timestamptz[], $3::int8[], $4::jsonb[]) AS v(uid, at, seq, health)
 WHERE a.instance_uid = v.uid AND (a.last_seen_at IS NULL OR a.last_seen_at < v.at)`;

/**
 * Creates a liveness writer and starts its flush timer (unref'd: it never keeps the process alive).
 * @throws ConfigServiceOptionsError for an out-of-range option
 */
export function createLivenessWriter(options: LivenessWriterOptions): LivenessWriter {
  return new BatchedLivenessWriter(options);
}

class BatchedLivenessWriter implements LivenessWriter {
  readonly #store: SqlExecutor;
  readonly #logger: ServiceLogger;
  readonly #metrics: LivenessMetrics | undefined;
  readonly #maxPending: number;
  readonly #chunkSize: number;
  readonly #timer: NodeJS.Timeout;
  // Insertion order is age order: a replaced update moves to the end.
  #pending = new Map<string, LivenessUpdate>();
  #inFlight: Map<string, LivenessUpdate> | undefined;
  #running: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;

  constructor(options: LivenessWriterOptions) {
    const flushIntervalMs = bounded('flushIntervalMs', options.flushIntervalMs ?? 5_000, 1, 3_600_000);
    this.#maxPending = bounded('maxPending', options.maxPending ?? 50_000, 1, 10_000_000);
    this.#chunkSize = bounded('chunkSize', options.chunkSize ?? 5_000, 1, 50_000);
    this.#store = options.store;
    this.#logger = options.logger;
    this.#metrics = options.metrics;
    this.#timer = setInterval(() => {
      if (this.#running === undefined) void this.flush();
    }, flushIntervalMs);
    this.#timer.unref();
  }

  get pending(): number {
    return this.#pending.size;
  }

  enqueue(update: LivenessUpdate): void {
    if (this.#stopped !== undefined) return this.#drop(1);
    const previous = this.#pending.get(update.instanceUid);
    if (previous !== undefined) this.#pending.delete(update.instanceUid);
    const kept = update.health === undefined && previous?.health !== undefined ? { ...update, health: previous.health } : update;
    this.#pending.set(update.instanceUid, kept);
    this.#metrics?.liveness(previous === undefined ? 'queued' : 'coalesced');
    this.#trimOldest();
    if (this.#pending.size >= this.#maxPending && this.#running === undefined) void this.flush();
  }

  take(instanceUid: string): LivenessUpdate | undefined {
    const queued = this.#pending.get(instanceUid);
    if (queued === undefined) return this.#inFlight?.get(instanceUid);
    this.#pending.delete(instanceUid);
    return queued;
  }

  async flush(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
    this.#running = this.#flushOnce().finally(() => {
      this.#running = undefined;
    });
    await this.#running;
  }

  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      clearInterval(this.#timer);
      await this.flush();
      if (this.#pending.size > 0) this.#logger.warn({ dropped: this.#pending.size }, 'liveness updates dropped at stop');
      this.#drop(this.#pending.size);
      this.#pending = new Map();
    })();
    return this.#stopped;
  }

  async #flushOnce(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#inFlight = batch;
    this.#pending = new Map();
    const updates = [...batch.values()];
    let index = 0;
    try {
      for (; index < updates.length; index += this.#chunkSize) {
        const chunk = updates.slice(index, index + this.#chunkSize);
        await writeChunk(this.#store, chunk);
        this.#metrics?.liveness('written', chunk.length);
      }
      this.#metrics?.livenessFlush('ok');
    } catch (err) {
      this.#metrics?.livenessFlush('failed');
      this.#logger.warn({ ...errorFields(err), unwritten: updates.length - index }, 'liveness flush failed; retried with the next flush');
      this.#requeue(updates.slice(index));
    } finally {
      this.#inFlight = undefined;
    }
  }

  #requeue(unwritten: readonly LivenessUpdate[]): void {
    // Older than anything queued meanwhile, so they go first; a newer queued update wins.
    const merged = new Map<string, LivenessUpdate>();
    for (const update of unwritten) {
      if (!this.#pending.has(update.instanceUid)) merged.set(update.instanceUid, update);
    }
    for (const [uid, update] of this.#pending) merged.set(uid, update);
    this.#pending = merged;
    this.#trimOldest();
  }

  #trimOldest(): void {
    let dropped = 0;
    for (const uid of this.#pending.keys()) {
      if (this.#pending.size <= this.#maxPending) break;
      this.#pending.delete(uid);
      dropped += 1;
    }
    this.#drop(dropped);
  }

  #drop(count: number): void {
    if (count > 0) this.#metrics?.liveness('dropped', count);
  }
}

async function writeChunk(store: SqlExecutor, updates: readonly LivenessUpdate[]): Promise<void> {
  await store.query(FLUSH_SQL, [
    updates.map((u) => u.instanceUid),
    updates.map((u) => u.at),
    updates.map((u) => u.sequenceNum),
    updates.map((u) => u.health ?? null),
  ]);
}

function bounded(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigServiceOptionsError(`${name} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}
