import { errors, type Msg, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type {
  BusConsumer,
  BusMessage,
  BusSubscription,
  ConsumeOptions,
  EventBus,
  MessageHandler,
  PublishOptions,
  PublishReceipt,
  RequestOptions,
  ServeHandler,
  StreamDefinition,
  SubscribeOptions,
  SubscriptionHandler,
} from '../event-bus.js';
import { BoundedDispatcher } from '../bounded-dispatcher.js';
import { errorFields, type BusLogger } from '../bus-logger.js';
import { resolveConsumeOptions } from '../consume-options.js';
import { BusClosedError, NoRespondersError, PayloadTooLargeError, RequestTimeoutError } from '../errors.js';
import { validateHeaders, validateMsgId, wireSize } from '../headers.js';
import { PublishGate } from '../publish-gate.js';
import { errorReplyHeaders, replyError } from '../reply-errors.js';
import { resolveStreamDefinition } from '../stream-definition.js';
import { validateSubject } from '../subject-match.js';
import { resolveSubscribeOptions, resolveTimeoutMs, type ResolvedSubscribeOptions } from '../subscribe-options.js';
import { nextTurn } from './next-turn.js';
import { NatsConsumerLoop } from './nats-consumer-loop.js';
import { toBusError, type ErrorContext } from './nats-errors.js';
import { coreToBusMessage, fromNatsHeaders, toNatsHeaders } from './nats-messages.js';
import { ensureNatsConsumer, ensureNatsStream } from './nats-streams.js';

type Headers = Readonly<Record<string, string>> | undefined;

/** Validated settings of a {@link NatsEventBus}. */
export interface NatsBusSettings {
  /** Server addresses without credentials, for messages. */
  readonly display: string;
  readonly requestTimeoutMs: number;
  readonly maxPendingPublishes: number;
  readonly maxQueuedPublishes: number;
  readonly logger: BusLogger;
}

interface CoreDelivery {
  readonly msg: BusMessage;
  readonly raw: Msg;
}

/** The NATS JetStream adapter of {@link EventBus}; built by `connectNatsBus`. */
export class NatsEventBus implements EventBus {
  readonly #gate: PublishGate;
  readonly #consumers = new Set<NatsConsumerLoop>();
  readonly #subscriptions = new Set<BusSubscription>();
  #closing: Promise<void> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly settings: NatsBusSettings,
  ) {
    this.#gate = new PublishGate(settings.maxPendingPublishes, settings.maxQueuedPublishes);
    this.#watchStatus().catch((err: unknown) => settings.logger.warn(errorFields(err), 'NATS status watch ended'));
  }

  async publish(subject: string, data: Uint8Array, opts: PublishOptions = {}): Promise<PublishReceipt> {
    this.#assertOpen('publish');
    this.#checkMessage(subject, data, opts.headers);
    validateMsgId(opts.msgId);
    return this.#gate.run(async () => {
      try {
        // One socket write for all publishes of this turn instead of one each.
        await nextTurn();
        const ack = await this.js.publish(subject, data, {
          timeout: this.settings.requestTimeoutMs,
          ...(opts.msgId === undefined ? {} : { msgID: opts.msgId }),
          ...(opts.headers === undefined ? {} : { headers: toNatsHeaders(opts.headers)! }),
        });
        return { stream: ack.stream, sequence: ack.seq, duplicate: ack.duplicate };
      } catch (err) {
        throw toBusError(err, this.#ctx('publish', { subject }));
      }
    });
  }

  async consume(options: ConsumeOptions, handler: MessageHandler): Promise<BusConsumer> {
    this.#assertOpen('consume');
    const opts = resolveConsumeOptions(options);
    try {
      await ensureNatsConsumer(this.jsm, opts);
      const consumer = await this.js.consumers.get(opts.stream, opts.durable);
      this.#assertOpen('consume');
      const flush = () => this.nc.flush();
      const loop = new NatsConsumerLoop(consumer, opts, handler, this.settings.logger, flush).start();
      this.#consumers.add(loop);
      return {
        stop: async () => {
          await loop.stop();
          this.#consumers.delete(loop);
        },
      };
    } catch (err) {
      throw toBusError(err, this.#ctx('consume', { stream: opts.stream }));
    }
  }

  send(subject: string, data: Uint8Array, headers?: Headers): void {
    this.#assertOpen('send');
    this.#checkMessage(subject, data, headers);
    try {
      this.nc.publish(subject, data, { ...(headers === undefined ? {} : { headers: toNatsHeaders(headers)! }) });
    } catch (err) {
      throw toBusError(err, this.#ctx('send', { subject }));
    }
  }

  subscribe(subject: string, opts: SubscribeOptions, handler: SubscriptionHandler): BusSubscription {
    this.#assertOpen('subscribe');
    return this.#subscribe(resolveSubscribeOptions(subject, opts), (d) => handler(d.msg));
  }

  serve(subject: string, opts: SubscribeOptions, handler: ServeHandler): BusSubscription {
    this.#assertOpen('serve');
    return this.#subscribe(resolveSubscribeOptions(subject, opts), async ({ msg, raw }) => {
      try {
        const out = await handler(msg);
        if (raw.reply !== undefined) raw.respond(out);
      } catch (err) {
        this.settings.logger.warn({ ...errorFields(err), subject: msg.subject }, 'request handler failed');
        if (raw.reply !== undefined) raw.respond(new Uint8Array(), { headers: toNatsHeaders(errorReplyHeaders(err))! });
      }
    });
  }

  async request(subject: string, data: Uint8Array, opts: RequestOptions): Promise<Uint8Array> {
    this.#assertOpen('request');
    this.#checkMessage(subject, data, opts.headers);
    const timeoutMs = resolveTimeoutMs(opts.timeoutMs);
    let reply: Msg;
    try {
      reply = await this.nc.request(subject, data, {
        timeout: timeoutMs,
        ...(opts.headers === undefined ? {} : { headers: toNatsHeaders(opts.headers)! }),
      });
    } catch (err) {
      if (err instanceof errors.RequestError && err.isNoResponders()) throw new NoRespondersError(subject, { cause: err });
      if (err instanceof errors.TimeoutError) throw new RequestTimeoutError(subject, timeoutMs, { cause: err });
      throw toBusError(err, this.#ctx('request', { subject }));
    }
    const headers = fromNatsHeaders(reply.headers);
    const failure = replyError((name) => headers.get(name), subject);
    if (failure !== undefined) throw failure;
    return reply.data;
  }

  async ensureStream(definition: StreamDefinition): Promise<void> {
    this.#assertOpen('ensureStream');
    const def = resolveStreamDefinition(definition);
    try {
      await ensureNatsStream(this.jsm, def);
    } catch (err) {
      throw toBusError(err, this.#ctx('ensureStream', { stream: def.name }));
    }
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    await this.#gate.idle();
    await Promise.all([...this.#consumers].map((c) => c.stop()));
    await Promise.all([...this.#subscriptions].map((s) => s.unsubscribe()));
    if (!this.nc.isClosed()) {
      await this.nc.drain().catch((err: unknown) => this.settings.logger.warn(errorFields(err), 'draining the NATS connection failed'));
    }
    this.settings.logger.info({ servers: this.settings.display }, 'NATS bus closed');
  }

  #subscribe(opts: ResolvedSubscribeOptions, handle: (d: CoreDelivery) => void | Promise<void>): BusSubscription {
    const logger = this.settings.logger;
    const dispatcher = new BoundedDispatcher<CoreDelivery>({
      maxInFlight: opts.maxInFlight,
      maxPending: opts.maxPending,
      handle,
      onError: (err, d) => logger.warn({ ...errorFields(err), subject: d.msg.subject }, 'subscription handler failed'),
      onDrop: (d) =>
        opts.onDropped !== undefined ? opts.onDropped(d.msg) : logger.warn({ subject: d.msg.subject, maxPending: opts.maxPending }, 'subscriber overloaded; message dropped'),
    });
    let sub: Subscription;
    try {
      sub = this.nc.subscribe(opts.subject, {
        ...(opts.queue === undefined ? {} : { queue: opts.queue }),
        callback: (err, raw) => {
          if (err !== null) return logger.error({ ...errorFields(err), subject: opts.subject }, 'subscription ended');
          dispatcher.push({ msg: coreToBusMessage(raw), raw });
        },
      });
    } catch (err) {
      throw toBusError(err, this.#ctx('subscribe', { subject: opts.subject }));
    }
    let done: Promise<void> | undefined;
    const subscription: BusSubscription = {
      unsubscribe: () => {
        done ??= (async () => {
          if (!sub.isClosed()) await sub.drain().catch(() => sub.unsubscribe());
          await dispatcher.drain();
          this.#subscriptions.delete(subscription);
        })();
        return done;
      },
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }

  #assertOpen(operation: string): void {
    if (this.#closing !== undefined) throw new BusClosedError(operation);
  }

  #checkMessage(subject: string, data: Uint8Array, headers: Headers): void {
    validateSubject(subject, { wildcards: false });
    validateHeaders(headers);
    const max = this.nc.info?.max_payload;
    const size = wireSize(data, headers);
    if (max !== undefined && size > max) throw new PayloadTooLargeError(`message of ${size} bytes exceeds the server's max_payload ${max}`);
  }

  #ctx(operation: string, extra: Partial<ErrorContext>): ErrorContext {
    return { operation, closing: this.#closing !== undefined, ...extra };
  }

  async #watchStatus(): Promise<void> {
    const logger = this.settings.logger;
    for await (const s of this.nc.status()) {
      if (s.type === 'disconnect') logger.warn({ server: s.server }, 'NATS connection lost; reconnecting');
      else if (s.type === 'reconnect') logger.info({ server: s.server }, 'NATS connection restored');
      else if (s.type === 'error') logger.error(errorFields(s.error), 'NATS connection error');
    }
  }
}
