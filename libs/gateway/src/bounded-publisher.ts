import { BusUnavailableError, NoRespondersError, PublishQueueFullError, RequestTimeoutError, type EventBus } from '@shepherd/bus';
import type { Logger } from '@shepherd/runtime';
import type { GatewayMetrics } from './gateway-metrics.js';
import { raceWaiter } from './race-waiter.js';

/**
 * Fire-and-track bus publishing with a hard bound on publishes in flight, in
 * number and in payload bytes. Callers never await acknowledgements, so one
 * slow agent or a slow broker never delays the answer to any agent; when a
 * bound is reached the gateway refuses new work (agents are told to retry
 * later) instead of queueing without limit. A publish that fails for a
 * passing reason (the broker answered too late, is away, or its queue was
 * full) is retried a few times with the same message id, so JetStream keeps
 * one copy; it keeps its place in flight meanwhile, which is what slows new
 * work down while the broker is behind.
 */
export class BoundedPublisher {
  #inFlight = 0;
  #bytes = 0;
  #idleWaiters: Array<() => void> = [];
  #roomWaiters: Array<() => void> = [];

  constructor(
    private readonly bus: EventBus,
    private readonly maxInFlight: number,
    private readonly maxBytes: number,
    private readonly logger: Logger,
    private readonly metrics: GatewayMetrics,
    /** Delay before each retry of a publish that failed for a passing reason (jittered ±50 %); its length is the retries. */
    private readonly retryDelaysMs: readonly number[] = [500, 1_000, 2_000],
  ) {}

  /** True when no further publish should be accepted right now. */
  get saturated(): boolean {
    return this.#inFlight >= this.maxInFlight || this.#bytes >= this.maxBytes;
  }

  /**
   * Resolves once the publishes in flight are down to three quarters of both bounds (at once when
   * they are): the point where a caller that stopped taking work may take it again. The margin
   * keeps callers from waking for a single free place.
   */
  whenRoom(): Promise<void> {
    if (this.#roomy()) return Promise.resolve();
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  #roomy(): boolean {
    return this.#inFlight <= (this.maxInFlight * 3) / 4 && this.#bytes <= (this.maxBytes * 3) / 4;
  }

  /** Publishes in flight (including those waiting for their `after` gate). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Starts a durable publish once `after` settles (used to keep one agent's
   * events behind its ownership claim, in order), without waiting for it.
   * A failure is logged and counted, never thrown: the returned promise
   * resolves true once the bus stored the message, false when it gave up.
   * Callers check {@link saturated} first; this method itself never refuses.
   */
  publish(subject: string, data: Uint8Array, msgId: string | undefined, after?: Promise<unknown>): Promise<boolean> {
    this.#inFlight += 1;
    this.#bytes += data.length;
    const start = after ?? Promise.resolve();
    return start
      .then(() => this.#publishWithRetries(subject, data, msgId))
      .then(
        () => true,
        (err: unknown) => {
          this.metrics.errors.inc({ code: 'bus_publish_failed' });
          this.logger.warn({ err, subject }, 'bus publish failed');
          return false;
        },
      )
      .finally(() => {
        this.#inFlight -= 1;
        this.#bytes -= data.length;
        if (this.#roomWaiters.length > 0 && this.#roomy()) for (const wake of this.#roomWaiters.splice(0)) wake();
        if (this.#inFlight === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
      });
  }

  async #publishWithRetries(subject: string, data: Uint8Array, msgId: string | undefined): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.bus.publish(subject, data, msgId === undefined ? {} : { msgId });
        return;
      } catch (err) {
        if (attempt > this.retryDelaysMs.length || !isPassing(err)) throw err;
        this.metrics.errors.inc({ code: 'bus_publish_retried' });
        const base = this.retryDelaysMs[attempt - 1] as number;
        await new Promise((resolve) => setTimeout(resolve, base / 2 + Math.random() * base));
      }
    }
  }

  /** Resolves when nothing is in flight, or after `timeoutMs` (whichever is first). */
  async idle(timeoutMs: number): Promise<void> {
    if (this.#inFlight === 0) return;
    await raceWaiter(this.#idleWaiters, timeoutMs);
  }
}

/** Failures that may pass: the broker was slow, away or full. Anything else (closed bus, a bad subject, a payload too large) will fail again. */
function isPassing(err: unknown): boolean {
  return err instanceof RequestTimeoutError || err instanceof BusUnavailableError || err instanceof PublishQueueFullError || err instanceof NoRespondersError;
}
