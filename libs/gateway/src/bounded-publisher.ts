import type { EventBus } from '@shepherd/bus';
import type { Logger } from '@shepherd/runtime';
import type { GatewayMetrics } from './gateway-metrics.js';
import { raceWaiter } from './race-waiter.js';

/**
 * Fire-and-track bus publishing with a hard bound on publishes in flight, in
 * number and in payload bytes. Callers never await acknowledgements, so one
 * slow agent or a slow broker never delays the answer to any agent; when a
 * bound is reached the gateway refuses new work (agents are told to retry
 * later) instead of queueing without limit.
 */
export class BoundedPublisher {
  #inFlight = 0;
  #bytes = 0;
  #idleWaiters: Array<() => void> = [];

  constructor(
    private readonly bus: EventBus,
    private readonly maxInFlight: number,
    private readonly maxBytes: number,
    private readonly logger: Logger,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** True when no further publish should be accepted right now. */
  get saturated(): boolean {
    return this.#inFlight >= this.maxInFlight || this.#bytes >= this.maxBytes;
  }

  /** Publishes in flight (including those waiting for their `after` gate). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Starts a durable publish once `after` settles (used to keep one agent's
   * events behind its ownership claim, in order), without waiting for it.
   * A failure is logged and counted, never thrown. Callers check
   * {@link saturated} first; this method itself never refuses.
   */
  publish(subject: string, data: Uint8Array, msgId: string | undefined, after?: Promise<unknown>): Promise<void> {
    this.#inFlight += 1;
    this.#bytes += data.length;
    const start = after ?? Promise.resolve();
    return start
      .then(() => this.bus.publish(subject, data, msgId === undefined ? {} : { msgId }))
      .then(
        () => undefined,
        (err: unknown) => {
          this.metrics.errors.inc({ code: 'bus_publish_failed' });
          this.logger.warn({ err, subject }, 'bus publish failed');
        },
      )
      .finally(() => {
        this.#inFlight -= 1;
        this.#bytes -= data.length;
        if (this.#inFlight === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
      });
  }

  /** Resolves when nothing is in flight, or after `timeoutMs` (whichever is first). */
  async idle(timeoutMs: number): Promise<void> {
    if (this.#inFlight === 0) return;
    await raceWaiter(this.#idleWaiters, timeoutMs);
  }
}
