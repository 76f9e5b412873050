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
import { errorFields } from '../bus-logger.js';
import { resolveConsumeOptions } from '../consume-options.js';
import {
  BusClosedError,
  ConsumerConflictError,
  InvalidSubjectError,
  NoRespondersError,
  NoStreamError,
  PayloadTooLargeError,
  RequestTimeoutError,
  StreamConflictError,
} from '../errors.js';
import { toHeaderMap, validateHeaders, validateMsgId, wireSize } from '../headers.js';
import { PublishGate } from '../publish-gate.js';
import { errorReplyHeaders, replyError } from '../reply-errors.js';
import { resolveStreamDefinition } from '../stream-definition.js';
import { subjectIsSubsetOf, subjectsOverlap, validateSubject } from '../subject-match.js';
import { resolveSubscribeOptions, resolveTimeoutMs, type ResolvedSubscribeOptions } from '../subscribe-options.js';
import { CoreRouter, type CoreDelivery } from './core-router.js';
import { resolveInProcessOptions, type InProcessBusOptions, type ResolvedInProcessBusOptions } from './in-process-options.js';
import { MemoryConsumer } from './memory-consumer.js';
import { MemoryDurable } from './memory-durable.js';
import { MemoryStream } from './memory-stream.js';

type Headers = Readonly<Record<string, string>> | undefined;

/**
 * Creates an {@link EventBus} that lives in this process: the embedded
 * adapter used when no NATS URL is configured. It keeps JetStream semantics
 * (bounded streams, durable consumers that keep their position and pending
 * acknowledgements across stop/start, shared work, ack-wait redelivery,
 * maxDeliver, msgId de-duplication) and core NATS semantics (wildcards,
 * queue groups, request/reply) for as long as the bus object lives. Nothing
 * survives a process restart.
 * @throws InvalidBusOptionError for out-of-range options
 */
export function createInProcessBus(options: InProcessBusOptions = {}): EventBus {
  return new InProcessEventBus(resolveInProcessOptions(options));
}

class InProcessEventBus implements EventBus {
  readonly #streams = new Map<string, MemoryStream>();
  readonly #durables = new Map<string, MemoryDurable>();
  readonly #router = new CoreRouter();
  readonly #gate: PublishGate;
  readonly #consumers = new Set<MemoryConsumer>();
  readonly #subscriptions = new Set<BusSubscription>();
  readonly #requests = new Set<(err: Error) => void>();
  #closing: Promise<void> | undefined;

  constructor(private readonly opts: ResolvedInProcessBusOptions) {
    this.#gate = new PublishGate(opts.maxPendingPublishes, opts.maxQueuedPublishes);
  }

  async publish(subject: string, data: Uint8Array, opts: PublishOptions = {}): Promise<PublishReceipt> {
    this.#assertOpen('publish');
    this.#checkMessage(subject, data, opts.headers);
    validateMsgId(opts.msgId);
    const copy = data.slice();
    return this.#gate.run(async () => {
      await this.opts.beforeStore?.(subject);
      const receipt = this.#store(subject, copy, opts.headers, opts.msgId);
      if (receipt === undefined) throw new NoStreamError(`no stream captures subject '${subject}'`);
      this.#router.route(subject, { msg: coreMessage(subject, copy, opts.headers) });
      return receipt;
    });
  }

  async consume(options: ConsumeOptions, handler: MessageHandler): Promise<BusConsumer> {
    this.#assertOpen('consume');
    const opts = resolveConsumeOptions(options);
    const stream = this.#streams.get(opts.stream);
    if (stream === undefined) throw new NoStreamError(`stream ${opts.stream} does not exist`);
    const filter = opts.filterSubject;
    if (filter !== undefined && !stream.def.subjects.some((s) => subjectIsSubsetOf(filter, s))) {
      throw new InvalidSubjectError(`filter subject '${filter}' is not within the subjects of stream ${opts.stream}`);
    }
    const key = `${opts.stream}\u0000${opts.durable}`;
    let durable = this.#durables.get(key);
    if (durable === undefined) {
      const config = { filterSubject: filter, ackWaitMs: opts.ackWaitMs, maxDeliver: opts.maxDeliver, maxAckPending: opts.maxAckPending };
      durable = new MemoryDurable(stream, opts.durable, config, opts.deliverPolicy === 'new', this.opts.logger);
      this.#durables.set(key, durable);
    } else if (durable.config.filterSubject !== filter) {
      throw new ConsumerConflictError(
        `durable ${opts.durable} on stream ${opts.stream} already filters '${durable.config.filterSubject ?? '(all)'}', not '${filter ?? '(all)'}'`,
      );
    } else {
      durable.reconfigure(opts);
    }
    const consumer = new MemoryConsumer(durable, opts, handler, this.opts.logger);
    this.#consumers.add(consumer);
    durable.attach(consumer);
    return {
      stop: async () => {
        await consumer.stop();
        this.#consumers.delete(consumer);
      },
    };
  }

  send(subject: string, data: Uint8Array, headers?: Headers): void {
    this.#assertOpen('send');
    this.#checkMessage(subject, data, headers);
    const copy = data.slice();
    this.#store(subject, copy, headers, undefined);
    this.#router.route(subject, { msg: coreMessage(subject, copy, headers) });
  }

  subscribe(subject: string, opts: SubscribeOptions, handler: SubscriptionHandler): BusSubscription {
    this.#assertOpen('subscribe');
    return this.#addRoute(resolveSubscribeOptions(subject, opts), (d) => handler(d.msg));
  }

  serve(subject: string, opts: SubscribeOptions, handler: ServeHandler): BusSubscription {
    this.#assertOpen('serve');
    return this.#addRoute(resolveSubscribeOptions(subject, opts), async (d) => {
      let data: Uint8Array;
      let headers: Record<string, string> | undefined;
      try {
        data = await handler(d.msg);
        if (wireSize(data, undefined) > this.opts.maxPayloadBytes) throw new PayloadTooLargeError(`reply on '${subject}' exceeds max payload`);
      } catch (err) {
        this.opts.logger.warn({ ...errorFields(err), subject: d.msg.subject }, 'request handler failed');
        data = new Uint8Array();
        headers = errorReplyHeaders(err);
      }
      d.reply?.(data, headers);
    });
  }

  async request(subject: string, data: Uint8Array, opts: RequestOptions): Promise<Uint8Array> {
    this.#assertOpen('request');
    this.#checkMessage(subject, data, opts.headers);
    const timeoutMs = resolveTimeoutMs(opts.timeoutMs);
    return new Promise<Uint8Array>((resolve, reject) => {
      let done = false;
      const finish = (err: Error | undefined, reply?: Uint8Array): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.#requests.delete(finish);
        if (err !== undefined) reject(err);
        else resolve(reply!);
      };
      const timer = setTimeout(() => finish(new RequestTimeoutError(subject, timeoutMs)), timeoutMs);
      this.#requests.add(finish);
      const reply = (out: Uint8Array, headers?: Headers): void => {
        const map = toHeaderMap(headers);
        finish(replyError((name) => map.get(name), subject), out.slice());
      };
      const delivery: CoreDelivery = { msg: coreMessage(subject, data.slice(), opts.headers), reply };
      if (this.#router.route(subject, delivery) === 0) finish(new NoRespondersError(subject));
    });
  }

  async ensureStream(definition: StreamDefinition): Promise<void> {
    this.#assertOpen('ensureStream');
    const def = resolveStreamDefinition(definition);
    for (const other of this.#streams.values()) {
      if (other.def.name === def.name) continue;
      const clash = def.subjects.find((s) => other.def.subjects.some((o) => subjectsOverlap(s, o)));
      if (clash !== undefined) {
        throw new StreamConflictError(`subject '${clash}' of stream ${def.name} overlaps stream ${other.def.name}`);
      }
    }
    const existing = this.#streams.get(def.name);
    if (existing === undefined) this.#streams.set(def.name, new MemoryStream(def));
    else existing.update(def, Date.now());
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    await this.#gate.idle();
    await Promise.all([...this.#consumers].map((c) => c.stop()));
    await Promise.all([...this.#subscriptions].map((s) => s.unsubscribe()));
    for (const finish of [...this.#requests]) finish(new BusClosedError('request'));
    for (const durable of this.#durables.values()) durable.dispose();
    this.opts.logger.info({ bus: this.opts.name }, 'in-process bus closed');
  }

  #assertOpen(operation: string): void {
    if (this.#closing !== undefined) throw new BusClosedError(operation);
  }

  #checkMessage(subject: string, data: Uint8Array, headers: Headers): void {
    validateSubject(subject, { wildcards: false });
    validateHeaders(headers);
    const size = wireSize(data, headers);
    if (size > this.opts.maxPayloadBytes) {
      throw new PayloadTooLargeError(`message of ${size} bytes exceeds max payload ${this.opts.maxPayloadBytes}`);
    }
  }

  /** Stores in the capturing stream and wakes its durables; undefined when no stream captures the subject. */
  #store(subject: string, data: Uint8Array, headers: Headers, msgId: string | undefined): PublishReceipt | undefined {
    for (const stream of this.#streams.values()) {
      if (!stream.captures(subject)) continue;
      const receipt = stream.append(subject, data, toHeaderMap(headers), msgId, Date.now());
      if (!receipt.duplicate) {
        for (const durable of this.#durables.values()) if (durable.streamName === stream.def.name) durable.pump();
      }
      return receipt;
    }
    return undefined;
  }

  #addRoute(opts: ResolvedSubscribeOptions, handle: (d: CoreDelivery) => void | Promise<void>): BusSubscription {
    const dispatcher = new BoundedDispatcher<CoreDelivery>({
      maxInFlight: opts.maxInFlight,
      maxPending: opts.maxPending,
      handle,
      onError: (err, d) => this.opts.logger.warn({ ...errorFields(err), subject: d.msg.subject }, 'subscription handler failed'),
      onDrop: (d) =>
        opts.onDropped !== undefined ? opts.onDropped(d.msg) : this.opts.logger.warn({ subject: d.msg.subject, maxPending: opts.maxPending }, 'subscriber overloaded; message dropped'),
    });
    const route = { pattern: opts.subject, queue: opts.queue, push: (d: CoreDelivery) => dispatcher.push(d) };
    this.#router.add(route);
    let unsubscribed: Promise<void> | undefined;
    const subscription: BusSubscription = {
      unsubscribe: () => {
        unsubscribed ??= (async () => {
          this.#router.remove(route);
          await dispatcher.drain();
          this.#subscriptions.delete(subscription);
        })();
        return unsubscribed;
      },
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }
}

function coreMessage(subject: string, data: Uint8Array, headers: Headers): BusMessage {
  return Object.freeze({ subject, data, headers: toHeaderMap(headers), deliveryCount: 1 });
}
