import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { BusConsumer, MessageHandler } from '../event-bus.js';
import { errorFields, type BusLogger } from '../bus-logger.js';
import { retryDelayMs, type ResolvedConsumeOptions } from '../consume-options.js';
import { jsToBusMessage } from './nats-messages.js';
import { nextTurn } from './next-turn.js';

/** How long one pull request waits on the server for messages before it is renewed. */
const PULL_EXPIRES_MS = 5_000;
const MAX_RETRY_PAUSE_MS = 5_000;

/**
 * Pulls from a durable JetStream consumer and runs the handler with at most
 * `maxInFlight` calls at once. Each pull asks for exactly as many messages as
 * there are free handler slots, so nothing waits in a client buffer while
 * its ack wait runs out (which `consume()`'s eager prefetch would allow); it
 * waits until half the slots are free, so a backlog is pulled in batches
 * rather than one request per message. A resolved handler acks; a throw naks
 * with the retry backoff, or terminates the message on its last allowed
 * delivery. Acks and naks leave at the end of the event-loop turn, together.
 */
export class NatsConsumerLoop implements BusConsumer {
  readonly #inFlight = new Set<Promise<void>>();
  #stopping = false;
  #batch: ConsumerMessages | undefined;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;

  constructor(
    private readonly consumer: Consumer,
    private readonly opts: ResolvedConsumeOptions,
    private readonly handler: MessageHandler,
    private readonly logger: BusLogger,
    /** Makes sure acks written so far reached the server. */
    private readonly flush: () => Promise<void>,
  ) {}

  start(): this {
    this.#loop ??= this.#run();
    return this;
  }

  /** Idempotent: stops pulling, naks what was pulled but not started, waits for running handlers and flushes their acks. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#stopping = true;
      void this.#batch?.close();
      this.#signal();
      await this.#loop;
      await Promise.all(this.#inFlight);
      await this.flush().catch((err: unknown) => this.logger.warn(errorFields(err), 'flushing acks on stop failed'));
    })();
    return this.#stopped;
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopping) {
      await this.#slotFree();
      if (this.#stopping) break;
      try {
        await this.#pullOnce();
        failures = 0;
      } catch (err) {
        if (this.#stopping) break;
        failures++;
        this.logger.warn(
          { ...errorFields(err), stream: this.opts.stream, durable: this.opts.durable, failures },
          'pulling from durable consumer failed; retrying',
        );
        await this.#pause(Math.min(100 * 2 ** failures, MAX_RETRY_PAUSE_MS));
      }
    }
  }

  async #pullOnce(): Promise<void> {
    const free = this.opts.maxInFlight - this.#inFlight.size;
    const batch = await this.consumer.fetch({ max_messages: free, expires: PULL_EXPIRES_MS });
    this.#batch = batch;
    if (this.#stopping) void batch.close();
    try {
      for await (const m of batch) {
        // pulled after stop() began: hand it back at once instead of waiting out the ack wait
        if (this.#stopping) this.#track(this.#settle(m, () => m.nak()));
        else this.#track(this.#handle(m));
      }
    } finally {
      this.#batch = undefined;
    }
  }

  /** Counts `work` against maxInFlight until it settled (the ack included); stop() waits for it. */
  #track(work: Promise<void>): void {
    const running: Promise<void> = work.finally(() => {
      this.#inFlight.delete(running);
      this.#signal();
    });
    this.#inFlight.add(running);
  }

  async #handle(m: JsMsg): Promise<void> {
    const msg = jsToBusMessage(m);
    try {
      await this.handler(msg);
    } catch (err) {
      const fields = { ...errorFields(err), stream: this.opts.stream, durable: this.opts.durable, subject: msg.subject, deliveryCount: msg.deliveryCount };
      if (msg.deliveryCount >= this.opts.maxDeliver) {
        this.logger.warn(fields, 'message dropped for this durable after maxDeliver deliveries');
        await this.#settle(m, () => m.term());
      } else {
        this.logger.warn(fields, 'durable handler failed; message will be redelivered');
        await this.#settle(m, () => m.nak(retryDelayMs(this.opts, msg.deliveryCount)));
      }
      return;
    }
    await this.#settle(m, () => m.ack());
  }

  /** Slots that must be free before the next pull. */
  get #pullAtLeast(): number {
    return Math.ceil(this.opts.maxInFlight / 2);
  }

  /** Acks are best effort: if the connection is gone the server redelivers after the ack wait. */
  async #settle(m: JsMsg, action: () => void): Promise<void> {
    await nextTurn();
    try {
      action();
    } catch (err) {
      this.logger.warn({ ...errorFields(err), durable: this.opts.durable, streamSequence: m.seq }, 'could not settle message');
    }
  }

  async #slotFree(): Promise<void> {
    while (!this.#stopping && this.opts.maxInFlight - this.#inFlight.size < this.#pullAtLeast) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
