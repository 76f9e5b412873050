/**
 * The bus port. Services depend on this file only, never on a broker client.
 *
 * Subjects follow NATS syntax: dot-separated tokens; in patterns `*` matches
 * exactly one token and `>` (last token only) matches one or more tokens.
 * Both adapters (NATS JetStream and in-process) pass one contract suite
 * (`bus.contract.ts`), so code written against this port behaves the same on
 * either.
 */

/** One message as handed to a handler. Immutable. */
export interface BusMessage {
  /** The literal subject the message was published to. */
  readonly subject: string;
  readonly data: Uint8Array;
  /** Headers set by the publisher (broker-internal `Nats-*` headers are not shown). */
  readonly headers: ReadonlyMap<string, string>;
  /** 1 on first delivery, 2 on the first redelivery, ...; always 1 for core messages. */
  readonly deliveryCount: number;
  /** Position in the stream for durable deliveries; absent for core messages. */
  readonly streamSequence?: number;
}

/** Durable handler: resolving acknowledges the message; throwing negatively acknowledges it (redelivered after a backoff). */
export type MessageHandler = (msg: BusMessage) => Promise<void>;

/** Core-subscription handler; errors are logged and the message is gone (at-most-once). */
export type SubscriptionHandler = (msg: BusMessage) => void | Promise<void>;

/** Request handler: the resolved bytes are the reply; a throw is answered with a {@link RemoteHandlerError} at the requester. */
export type ServeHandler = (req: BusMessage) => Promise<Uint8Array>;

/** Options of {@link EventBus.publish}. */
export interface PublishOptions {
  /** Header names must not start with `Nats-` (reserved) nor contain `:` or control characters. */
  readonly headers?: Readonly<Record<string, string>>;
  /** De-duplication id: a second publish with the same id within the stream's duplicate window is stored once. */
  readonly msgId?: string;
}

/** What the stream answered to a durable publish. */
export interface PublishReceipt {
  readonly stream: string;
  /** Stream sequence of the stored message (of the original when `duplicate`). */
  readonly sequence: number;
  /** True when `msgId` matched an earlier message within the duplicate window; nothing new was stored. */
  readonly duplicate: boolean;
}

/** Where a newly created durable starts: every stored message, or only those published after creation. */
export type DeliverPolicy = 'all' | 'new';

/** Options of {@link EventBus.consume}. Defaults in {@link CONSUME_DEFAULTS}. */
export interface ConsumeOptions {
  readonly stream: string;
  /** Durable name: consumers with the same name share one position and split the work. */
  readonly durable: string;
  /** Only messages whose subject matches this pattern; must lie within the stream's subjects. Fixed once the durable exists. */
  readonly filterSubject?: string;
  /** A delivery not acknowledged within this time is redelivered. */
  readonly ackWaitMs?: number;
  /** Total deliveries per message (first included); after the last failed one the message is dropped for this durable and logged. */
  readonly maxDeliver?: number;
  /** Handlers running at once in THIS consumer (per process). */
  readonly maxInFlight?: number;
  /** Unacknowledged messages across ALL consumers of the durable; must be >= maxInFlight. */
  readonly maxAckPending?: number;
  /** Only applied when the durable is created; an existing durable keeps its position. */
  readonly deliverPolicy?: DeliverPolicy;
  /** Delay before redelivery after the n-th failed handler call (index n-1); the last entry repeats. */
  readonly retryBackoffMs?: readonly number[];
}

/** A running durable consumer. */
export interface BusConsumer {
  /** Stops taking new messages and resolves once every handler in flight has finished and its ack/nak was sent. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link EventBus.subscribe} and {@link EventBus.serve}. */
export interface SubscribeOptions {
  /** Queue group: each message goes to one member of the group (per queue name) instead of to all. */
  readonly queue?: string;
  /** Handlers running at once (default 1, which keeps order). */
  readonly maxInFlight?: number;
  /** Messages buffered while all handlers are busy; beyond it messages are dropped and logged (default 10 000). */
  readonly maxPending?: number;
  /**
   * Called for each message dropped beyond `maxPending`, instead of the bus logging it: a
   * subscriber that counts its drops (a metric) spares an overloaded process a log line per message.
   */
  readonly onDropped?: (msg: BusMessage) => void;
}

/** A core subscription or a request responder. */
export interface BusSubscription {
  /** Stops receiving; resolves once buffered messages and running handlers are done. Idempotent. */
  unsubscribe(): Promise<void>;
}

/** Options of {@link EventBus.request}. */
export interface RequestOptions {
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A stream: a bounded, durable log of every message published to its subjects. */
export interface StreamDefinition {
  /** Letters, digits, `_` and `-` only. */
  readonly name: string;
  /** Subject patterns captured; must not overlap another stream's subjects. */
  readonly subjects: readonly string[];
  /** Messages older than this are removed (0 = no age limit; default 0). */
  readonly maxAgeMs?: number;
  /** Oldest messages are removed beyond this count (default 100 000). */
  readonly maxMsgs?: number;
  /** Oldest messages are removed beyond this many payload bytes (-1 = no limit; default -1). */
  readonly maxBytes?: number;
  /** How long a `msgId` is remembered for de-duplication (default 120 000). */
  readonly duplicateWindowMs?: number;
}

/**
 * The event bus. Durable messaging (streams, durable consumers with
 * acknowledgement) for events that must not be lost; core messaging
 * (at-most-once fan-out, request/reply) for live traffic.
 *
 * Every method rejects (or, when synchronous, throws) {@link BusClosedError}
 * once `close()` has been called, and rejects invalid subjects or names with
 * InvalidSubjectError / InvalidNameError before doing anything.
 */
export interface EventBus {
  /**
   * Durable publish. Resolves once the message is stored in the stream that
   * captures `subject`. At most `maxPendingPublishes` publishes are in flight
   * per bus; further callers wait (bounded by `maxQueuedPublishes`, beyond
   * which PublishQueueFullError).
   * @throws NoStreamError no stream captures the subject
   * @throws BusUnavailableError the broker is unreachable or did not acknowledge in time
   * @throws PayloadTooLargeError headers plus data exceed the maximum message size
   */
  publish(subject: string, data: Uint8Array, opts?: PublishOptions): Promise<PublishReceipt>;

  /**
   * Starts a durable consumer on `opts.stream`, creating the durable if it
   * does not exist. Messages stored while no consumer of the durable runs are
   * delivered when one starts. Consumers with the same durable name (in any
   * process) share the messages: each is handled by one of them. A message
   * whose handler throws, or that is not acknowledged within `ackWaitMs`, is
   * redelivered until `maxDeliver` deliveries. Redeliveries may reach a
   * handler while an earlier, timed-out delivery still runs: handlers must be
   * idempotent.
   * @throws NoStreamError the stream does not exist
   * @throws ConsumerConflictError the durable exists with another filter subject
   */
  consume(opts: ConsumeOptions, handler: MessageHandler): Promise<BusConsumer>;

  /** Core publish: fire-and-forget to current subscribers; also stored if a stream captures the subject. */
  send(subject: string, data: Uint8Array, headers?: Readonly<Record<string, string>>): void;

  /** Core subscription to a subject pattern (wildcards allowed). */
  subscribe(subject: string, opts: SubscribeOptions, handler: SubscriptionHandler): BusSubscription;

  /**
   * Sends a request and resolves with the first reply.
   * @throws RequestTimeoutError no reply within `timeoutMs`
   * @throws NoRespondersError nobody subscribes to the subject
   * @throws RemoteHandlerError the responder's handler threw
   */
  request(subject: string, data: Uint8Array, opts: RequestOptions): Promise<Uint8Array>;

  /** Answers requests on a subject pattern; with `queue`, one member of the group answers each request. */
  serve(subject: string, opts: SubscribeOptions, handler: ServeHandler): BusSubscription;

  /**
   * Creates the stream, or updates its subjects and limits. Idempotent.
   * @throws StreamConflictError the subjects overlap another stream
   */
  ensureStream(def: StreamDefinition): Promise<void>;

  /**
   * Graceful shutdown: refuses new calls, lets accepted publishes finish,
   * stops consumers (waiting for their handlers), drains subscriptions and
   * disconnects. Idempotent; later calls resolve when the first completes.
   */
  close(): Promise<void>;
}
