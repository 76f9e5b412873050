import type { EventBus, StreamDefinition } from './event-bus.js';
import { validateName, validateSubject } from './subject-match.js';

/** The services that consume agent events, each through its own durable consumer. */
export const AGENT_EVENT_CONSUMERS = ['config-service', 'rollout-service', 'health-service', 'package-service'] as const;

/** One of {@link AGENT_EVENT_CONSUMERS}. */
export type AgentEventConsumer = (typeof AGENT_EVENT_CONSUMERS)[number];

/** Where a service's durable consumer reads: spread it into `bus.consume({...})` and add tuning. */
export interface DurableSpec {
  readonly stream: string;
  readonly durable: string;
  readonly filterSubject: string;
}

/** Options of {@link createTopology}. */
export interface TopologyOptions {
  /** First subject token(s) of every Shepherd subject (default `opamp`); tests use a random one. */
  readonly prefix?: string;
  /** Limits of the agent-events stream; see {@link AGENT_EVENTS_LIMITS} for the defaults. */
  readonly agentEvents?: Pick<StreamDefinition, 'maxAgeMs' | 'maxMsgs' | 'maxBytes' | 'duplicateWindowMs'>;
}

/** Default limits of the agent-events stream: a day of history, bounded in count and size. */
export const AGENT_EVENTS_LIMITS = Object.freeze({
  maxAgeMs: 24 * 3_600_000,
  maxMsgs: 100_000,
  maxBytes: 256 * 1_048_576,
  duplicateWindowMs: 120_000,
});

/**
 * Shepherd's subjects and streams (documented in docs/bus.md).
 *
 * - `<prefix>.agent.message` (JetStream, stream agentEvents): one
 *   AgentToServer as received by a gateway, in a
 *   `shepherd.bus.v1.AgentMessageEnvelope`.
 * - `<prefix>.agent.connection` (JetStream, stream agentEvents): an agent
 *   connected or disconnected, `shepherd.bus.v1.AgentConnectionEvent`.
 * - `<prefix>.delivery.<gatewayId>` (core): ServerToAgent bytes for agents
 *   owned by that gateway, `shepherd.bus.v1.ServerToAgentDelivery`.
 */
export interface Topology {
  readonly prefix: string;
  readonly subjects: {
    readonly agentMessage: string;
    readonly agentConnection: string;
    /** Pattern over every agent event. */
    readonly agentEvents: string;
    /** Pattern over every gateway's delivery subject. */
    readonly deliveries: string;
  };
  readonly streams: { readonly agentEvents: StreamDefinition };
  /** The durable consumer of each service on the agent-events stream. */
  readonly consumers: Readonly<Record<AgentEventConsumer, DurableSpec>>;
  /**
   * The core subject a gateway subscribes to for its agents' deliveries.
   * @throws InvalidNameError when `gatewayId` is not 1-128 letters, digits, `_` or `-`
   */
  delivery(gatewayId: string): string;
}

/**
 * Builds the catalogue for one deployment. The default prefix `opamp` gives
 * stream `AGENT_EVENTS`; any other prefix is appended to stream names so
 * deployments (and test runs) sharing a NATS account never collide.
 * @throws InvalidSubjectError when the prefix is not a literal subject
 * @throws InvalidBusOptionError (later, from ensureStream) when limits are out of range
 */
export function createTopology(options: TopologyOptions = {}): Topology {
  const prefix = options.prefix ?? 'opamp';
  validateSubject(prefix, { wildcards: false }, 'topology prefix');
  const streamName = prefix === 'opamp' ? 'AGENT_EVENTS' : `AGENT_EVENTS_${prefix.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  validateName(streamName, 'stream name');
  const agentEvents = `${prefix}.agent.>`;
  const consumers = Object.fromEntries(
    AGENT_EVENT_CONSUMERS.map((service) => [service, Object.freeze({ stream: streamName, durable: service, filterSubject: agentEvents })]),
  ) as Record<AgentEventConsumer, DurableSpec>;
  return Object.freeze({
    prefix,
    subjects: Object.freeze({
      agentMessage: `${prefix}.agent.message`,
      agentConnection: `${prefix}.agent.connection`,
      agentEvents,
      deliveries: `${prefix}.delivery.*`,
    }),
    streams: Object.freeze({
      agentEvents: Object.freeze({ name: streamName, subjects: Object.freeze([agentEvents]), ...limits(options.agentEvents) }),
    }),
    consumers: Object.freeze(consumers),
    delivery(gatewayId: string): string {
      validateName(gatewayId, 'gateway id');
      return `${prefix}.delivery.${gatewayId}`;
    },
  });
}

function limits(overrides: TopologyOptions['agentEvents']): typeof AGENT_EVENTS_LIMITS {
  const defined = Object.entries(overrides ?? {}).filter(([, v]) => v !== undefined);
  return { ...AGENT_EVENTS_LIMITS, ...Object.fromEntries(defined) };
}

/** Creates or updates every stream of `topology`. Idempotent; run by each service at start-up. */
export async function ensureTopology(bus: EventBus, topology: Topology): Promise<void> {
  for (const stream of Object.values(topology.streams)) await bus.ensureStream(stream);
}
