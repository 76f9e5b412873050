import { Counter, counterTally, Gauge, type CounterTally, type Registry } from '@shepherd/runtime';

/** Transport label values. */
export type TransportLabel = 'websocket' | 'http';

/** Outgoing OpAMP message types. */
export type OutType = 'reply' | 'push' | 'error';

/** One transport's per-message series: counted on every agent message, so kept as tallies. */
export interface TransportTallies {
  /** `messages{direction=in,type=agent_to_server}` and `bytes{direction=in}`. */
  readonly messagesIn: CounterTally;
  readonly bytesIn: CounterTally;
  /** `messages{direction=out}` by type and `bytes{direction=out}`. */
  readonly messagesOut: Readonly<Record<OutType, CounterTally>>;
  readonly bytesOut: CounterTally;
}

/** The gateway's Prometheus metrics (all prefixed `shepherd_gateway_`). */
export interface GatewayMetrics {
  /** Live WebSocket connections / live HTTP agent sessions. */
  readonly connections: Gauge<'transport'>;
  /** Refusals and failures by stable code (e.g. `unauthenticated`, `bad_request`, `too_large`, `overloaded`). */
  readonly errors: Counter<'code'>;
  /** Messages the gateway did not send or keep, by reason (e.g. `outgoing_too_large`, `not_here`, `mailbox_evicted`). */
  readonly drops: Counter<'reason'>;
  /** Deliveries from services, by outcome (`pushed`, `held`, `dropped`). */
  readonly deliveries: Counter<'outcome'>;
  /** ReportFullState requests and uid reassignments. */
  readonly protocol: Counter<'event'>;
  /**
   * `messages_total` (OpAMP messages by direction, transport and type) and `bytes_total`
   * (payload bytes after decompression in, before compression out), by transport: counted on
   * every agent message, so as tallies (see {@link counterTally}).
   */
  readonly perMessage: Readonly<Record<TransportLabel, TransportTallies>>;
  /** `protocol{event=heartbeat_batched}`, counted on most messages. */
  readonly heartbeatBatched: CounterTally;
}

function transportTallies(
  messages: Counter<'direction' | 'transport' | 'type'>,
  bytes: Counter<'direction' | 'transport'>,
  transport: TransportLabel,
): TransportTallies {
  const out = (type: OutType): CounterTally => counterTally(messages, { direction: 'out', transport, type });
  return Object.freeze({
    messagesIn: counterTally(messages, { direction: 'in', transport, type: 'agent_to_server' }),
    bytesIn: counterTally(bytes, { direction: 'in', transport }),
    messagesOut: Object.freeze({ reply: out('reply'), push: out('push'), error: out('error') }),
    bytesOut: counterTally(bytes, { direction: 'out', transport }),
  });
}

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Counter<L> {
  // A second gateway on the same registry (tests, embedded mode) shares the series.
  const existing = registry.getSingleMetric(name);
  if (existing !== undefined) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

/** Creates (or reuses, when already registered) the gateway metrics on `registry`. */
export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const gaugeName = 'shepherd_gateway_connections';
  const connections =
    (registry.getSingleMetric(gaugeName) as Gauge<'transport'> | undefined) ??
    new Gauge({ name: gaugeName, help: 'Live OpAMP connections (websocket) and agent sessions (http).', labelNames: ['transport'], registers: [registry] });
  const messages = counter(registry, 'shepherd_gateway_messages_total', 'OpAMP messages received and sent.', ['direction', 'transport', 'type']);
  const bytes = counter(registry, 'shepherd_gateway_bytes_total', 'OpAMP payload bytes received and sent.', ['direction', 'transport']);
  const protocol = counter(
    registry,
    'shepherd_gateway_protocol_events_total',
    'ReportFullState requests, uid reassignments, plain heartbeats put in a liveness batch (heartbeat_batched) or left unpublished at the publish bound (heartbeat_deferred), liveness batches published (liveness_batch) and connections paused while publishes are at their bound (reads_paused).',
    ['event'],
  );
  return {
    connections,
    errors: counter(registry, 'shepherd_gateway_errors_total', 'Refused or failed requests and messages, by code.', ['code']),
    drops: counter(registry, 'shepherd_gateway_drops_total', 'Messages dropped instead of sent or kept, by reason.', ['reason']),
    deliveries: counter(registry, 'shepherd_gateway_deliveries_total', 'Deliveries received from services, by outcome.', ['outcome']),
    protocol,
    perMessage: Object.freeze({ websocket: transportTallies(messages, bytes, 'websocket'), http: transportTallies(messages, bytes, 'http') }),
    heartbeatBatched: counterTally(protocol, { event: 'heartbeat_batched' }),
  };
}
