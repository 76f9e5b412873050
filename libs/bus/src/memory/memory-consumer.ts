import type { BusConsumer, BusMessage, MessageHandler } from '../event-bus.js';
import { errorFields, type BusLogger } from '../bus-logger.js';
import { retryDelayMs, type ResolvedConsumeOptions } from '../consume-options.js';
import type { DeliverySettlement, DurableMember, MemoryDurable } from './memory-durable.js';

/**
 * One running consumer on an in-process durable: runs at most
 * `maxInFlight` handlers, acks when a handler resolves and naks with the
 * retry backoff when it throws.
 */
export class MemoryConsumer implements BusConsumer, DurableMember {
  #inFlight = 0;
  #stopped = false;
  #idle: Array<() => void> = [];

  constructor(
    private readonly durable: MemoryDurable,
    private readonly opts: ResolvedConsumeOptions,
    private readonly handler: MessageHandler,
    private readonly logger: BusLogger,
  ) {}

  hasCapacity(): boolean {
    return !this.#stopped && this.#inFlight < this.opts.maxInFlight;
  }

  deliver(msg: BusMessage, settle: DeliverySettlement): void {
    this.#inFlight++;
    // a handler never runs inside the publish that triggered it
    queueMicrotask(() => void this.#run(msg, settle));
  }

  /** Idempotent; resolves when every handler started before the first call has settled. */
  stop(): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      this.durable.detach(this);
    }
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async #run(msg: BusMessage, settle: DeliverySettlement): Promise<void> {
    let failure: unknown;
    let failed = false;
    try {
      await this.handler(msg);
    } catch (err) {
      failed = true;
      failure = err;
    }
    this.#inFlight--;
    if (failed) {
      this.logger.warn(
        { ...errorFields(failure), durable: this.opts.durable, subject: msg.subject, deliveryCount: msg.deliveryCount },
        'durable handler failed; message will be redelivered',
      );
      settle.nak(retryDelayMs(this.opts, msg.deliveryCount));
    } else {
      settle.ack();
    }
    if (this.#stopped) {
      if (this.#inFlight === 0) this.#idle.splice(0).forEach((resolve) => resolve());
      return;
    }
    this.durable.pump();
  }
}
