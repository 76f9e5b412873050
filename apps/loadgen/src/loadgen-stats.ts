import { LatencySamples, type Percentiles } from './latency-samples.js';

/** Messages sent, by type. */
export type SentType = 'full' | 'heartbeat' | 'applied';
/** ServerToAgent messages received, by type. */
export type ReceivedType = 'reply' | 'push' | 'error';

/** One progress snapshot (a `loadgen progress` line). */
export interface ProgressSnapshot {
  readonly elapsedMs: number;
  readonly target: number;
  readonly started: number;
  readonly connected: number;
  readonly connecting: number;
  readonly connectErrors: number;
  readonly disconnects: number;
  readonly sent: Readonly<Record<SentType, number>>;
  readonly received: Readonly<Record<ReceivedType, number>>;
  readonly httpSkipped: number;
  readonly httpErrors: number;
  /** Agents that applied each config hash (hex). */
  readonly applied: Readonly<Record<string, number>>;
  /** Reply latency (ms) since the previous snapshot. */
  readonly latency: Percentiles;
}

/**
 * What happened in the measured window, from the end of the warm-up (`--warmup-s`) on. Each
 * event counts by when it happened, so the burst of first (full) reports during the ramp, and
 * its skips and errors, stay out; failures of polls still in flight when the run stops count.
 */
export interface MeasuredCounts {
  /** Messages sent (HTTP polls, or WebSocket messages). */
  readonly sent: number;
  /** HTTP polls skipped at the in-flight bound (or while the agent's previous poll still ran). */
  readonly skipped: number;
  /** HTTP polls that failed (non-200, too large, timed out, connection error). */
  readonly errors: number;
  /** {@link errors} by kind (`status 429`, `ECONNRESET`, ...); at most {@link MAX_ERROR_KINDS} kinds, the rest under `other`. */
  readonly errorKinds: Readonly<Record<string, number>>;
  /** From the end of the warm-up until the run stopped sending; 0 when it stopped before. */
  readonly seconds: number;
}

/** Most distinct error kinds a run tells apart. */
export const MAX_ERROR_KINDS = 16;

/** Counters of one load-generator process; everything bounded by the agent count. */
export class LoadgenStats {
  started = 0;
  connected = 0;
  connecting = 0;
  connectErrors = 0;
  disconnects = 0;
  httpSkipped = 0;
  httpErrors = 0;
  readonly sent: Record<SentType, number> = { full: 0, heartbeat: 0, applied: 0 };
  readonly received: Record<ReceivedType, number> = { reply: 0, push: 0, error: 0 };
  /** Reply latency since the last snapshot. */
  readonly latency = new LatencySamples(100_000);
  /** Reply latency over the run, from `measureFrom` on. */
  readonly totalLatency = new LatencySamples(200_000);
  readonly #applied = new Map<string, number>();
  /** Epoch ms of each APPLIED report since the last {@link drainApplied}, by hash; at most one entry per agent and config. */
  readonly #appliedTimes = new Map<string, number[]>();
  readonly #startedAt: number;
  readonly #measured = { sent: 0, skipped: 0, errors: 0 };
  readonly #errorKinds = new Map<string, number>();

  constructor(
    private readonly target: number,
    now: number,
    /** Epoch ms before which replies, sends, skips and errors are left out of {@link totalLatency} and {@link measured} (warm-up). */
    private readonly measureFrom = now,
  ) {
    this.#startedAt = now;
  }

  /** An agent reported APPLIED for `hash` at `at` (epoch ms). */
  recordApplied(hash: string, at: number): void {
    this.#applied.set(hash, (this.#applied.get(hash) ?? 0) + 1);
    let times = this.#appliedTimes.get(hash);
    if (times === undefined) this.#appliedTimes.set(hash, (times = []));
    times.push(at);
  }

  recordLatency(ms: number): void {
    this.latency.add(ms);
    if (this.#measuring()) this.totalLatency.add(ms);
  }

  /** A message of `type` went out. */
  recordSent(type: SentType): void {
    this.sent[type] += 1;
    if (this.#measuring()) this.#measured.sent += 1;
  }

  /** An HTTP poll was due but not sent (in-flight bound, or the agent's poll still running). */
  recordHttpSkipped(): void {
    this.httpSkipped += 1;
    if (this.#measuring()) this.#measured.skipped += 1;
  }

  /** An HTTP poll failed; `kind` says how (`status 503`, an error code). */
  recordHttpError(kind: string): void {
    this.httpErrors += 1;
    if (!this.#measuring()) return;
    this.#measured.errors += 1;
    const key = this.#errorKinds.has(kind) || this.#errorKinds.size < MAX_ERROR_KINDS - 1 ? kind : 'other';
    this.#errorKinds.set(key, (this.#errorKinds.get(key) ?? 0) + 1);
  }

  /** The measured window's counters, the window ending at `stoppedAt` (epoch ms). */
  measured(stoppedAt: number): MeasuredCounts {
    return { ...this.#measured, errorKinds: Object.fromEntries(this.#errorKinds), seconds: Math.max(0, stoppedAt - this.measureFrom) / 1000 };
  }

  #measuring(): boolean {
    return Date.now() >= this.measureFrom;
  }

  /** APPLIED times recorded since the previous call, by hash. */
  drainApplied(): { hash: string; times: number[] }[] {
    const out = [...this.#appliedTimes].map(([hash, times]) => ({ hash, times }));
    this.#appliedTimes.clear();
    return out;
  }

  /** The counters now; resets the per-interval latency. */
  snapshot(now: number): ProgressSnapshot {
    const latency = this.latency.percentiles();
    this.latency.reset();
    return {
      elapsedMs: now - this.#startedAt,
      target: this.target,
      started: this.started,
      connected: this.connected,
      connecting: this.connecting,
      connectErrors: this.connectErrors,
      disconnects: this.disconnects,
      sent: { ...this.sent },
      received: { ...this.received },
      httpSkipped: this.httpSkipped,
      httpErrors: this.httpErrors,
      applied: Object.fromEntries(this.#applied),
      latency,
    };
  }
}
