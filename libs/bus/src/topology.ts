import type { EventBus, StreamDefinition } from './event-bus.js';
import { validateName, validateSubject } from './subject-match.js';

/** The services that consume agent events, each through its own durable consumer. */
export const AGENT_EVENT_CONSUMERS = ['config-service', 'rollout-service', 'health-service', 'package-service'] as const;

/** One of {@link AGENT_EVENT_CONSUMERS}. */
export type AgentEventConsumer = (typeof AGENT_EVENT_CONSUMERS)[number];

/** The services that consume config events (config-changed), each through its own durable consumer. */
export const CONFIG_EVENT_CONSUMERS = ['config-service'] as const;

/** One of {@link CONFIG_EVENT_CONSUMERS}. */
export type ConfigEventConsumer = (typeof CONFIG_EVENT_CONSUMERS)[number];

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
  /** Limits of the config-events stream; see {@link CONFIG_EVENTS_LIMITS} for the defaults. */
  readonly configEvents?: Pick<StreamDefinition, 'maxAgeMs' | 'maxMsgs' | 'maxBytes' | 'duplicateWindowMs'>;
}

/** Default limits of the agent-events stream: a day of history, bounded in count and size. */
export const AGENT_EVENTS_LIMITS = Object.freeze({
  maxAgeMs: 24 * 3_600_000,
  maxMsgs: 100_000,
  maxBytes: 256 * 1_048_576,
  duplicateWindowMs: 120_000,
});

/**
 * Default limits of the config-events stream. Admin changes are rare and small;
 * a week of history lets a config service that was down catch up.
 */
export const CONFIG_EVENTS_LIMITS = Object.freeze({
  maxAgeMs: 7 * 24 * 3_600_000,
  maxMsgs: 100_000,
  maxBytes: 64 * 1_048_576,
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
 * - `<prefix>.agent.liveness` (JetStream, stream agentEvents): the plain
 *   heartbeats one gateway received in an interval, at most one per agent,
 *   `shepherd.bus.v1.AgentLivenessBatch`.
 * - `<prefix>.delivery.<gatewayId>` (core): ServerToAgent bytes for agents
 *   owned by that gateway, `shepherd.bus.v1.ServerToAgentDelivery`.
 * - `<prefix>.multicast.<gatewayId>` (core request/reply): one ServerToAgent for
 *   many agents owned by that gateway, `shepherd.bus.v1.ServerToAgentMulticast`,
 *   answered with a `shepherd.bus.v1.DeliveryReceipt`.
 * - `<prefix>.config.changed` (JetStream, stream configEvents): an admin
 *   change to config assignments (JSON `ConfigChangedEvent` of
 *   `@shepherd/config-service`); the config service reconciles the agents
 *   the change selects.
 */
export interface Topology {
  readonly prefix: string;
  readonly subjects: {
    readonly agentMessage: string;
    readonly agentConnection: string;
    /** Batched plain heartbeats of one gateway's agents. */
    readonly agentLiveness: string;
    /** Pattern over every agent event. */
    readonly agentEvents: string;
    /** Pattern over every gateway's delivery subject. */
    readonly deliveries: string;
    /** Pattern over every gateway's multicast subject. */
    readonly multicasts: string;
    /** An assignment was created or changed. */
    readonly configChanged: string;
    /** Pattern over every config event. */
    readonly configEvents: string;
  };
  readonly streams: { readonly agentEvents: StreamDefinition; readonly configEvents: StreamDefinition };
  /** The durable consumer of each service on the agent-events stream. */
  readonly consumers: Readonly<Record<AgentEventConsumer, DurableSpec>>;
  /** The durable consumer of each service on the config-events stream. */
  readonly configConsumers: Readonly<Record<ConfigEventConsumer, DurableSpec>>;
  /**
   * The core subject a gateway subscribes to for its agents' deliveries.
   * @throws InvalidNameError when `gatewayId` is not 1-128 letters, digits, `_` or `-`
   */
  delivery(gatewayId: string): string;
  /**
   * The core subject on which a gateway answers multicast deliveries to its agents.
   * @throws InvalidNameError when `gatewayId` is not 1-128 letters, digits, `_` or `-`
   */
  multicast(gatewayId: string): string;
}

/**
 * Builds the catalogue for one deployment. The default prefix `opamp` gives
 * streams `AGENT_EVENTS` and `CONFIG_EVENTS`; any other prefix is appended to
 * stream names so deployments (and test runs) sharing a NATS account never
 * collide.
 * @throws InvalidSubjectError when the prefix is not a literal subject
 * @throws InvalidBusOptionError (later, from ensureStream) when limits are out of range
 */
export function createTopology(options: TopologyOptions = {}): Topology {
  const prefix = options.prefix ?? 'opamp';
  validateSubject(prefix, { wildcards: false }, 'topology prefix');
  const streamName = streamNameFor('AGENT_EVENTS', prefix);
  const configStreamName = streamNameFor('CONFIG_EVENTS', prefix);
  const agentEvents = `${prefix}.agent.>`;
  const configEvents = `${prefix}.config.>`;
  const configChanged = `${prefix}.config.changed`;
  const consumers = durables(AGENT_EVENT_CONSUMERS, streamName, agentEvents);
  const configConsumers = durables(CONFIG_EVENT_CONSUMERS, configStreamName, configChanged);
  return Object.freeze({
    prefix,
    subjects: Object.freeze({
      agentMessage: `${prefix}.agent.message`,
      agentConnection: `${prefix}.agent.connection`,
      agentLiveness: `${prefix}.agent.liveness`,
      agentEvents,
      deliveries: `${prefix}.delivery.*`,
      multicasts: `${prefix}.multicast.*`,
      configChanged,
      configEvents,
    }),
    streams: Object.freeze({
      agentEvents: Object.freeze({
        name: streamName,
        subjects: Object.freeze([agentEvents]),
        ...limits(AGENT_EVENTS_LIMITS, options.agentEvents),
      }),
      configEvents: Object.freeze({
        name: configStreamName,
        subjects: Object.freeze([configEvents]),
        ...limits(CONFIG_EVENTS_LIMITS, options.configEvents),
      }),
    }),
    consumers,
    configConsumers,
    delivery(gatewayId: string): string {
      validateName(gatewayId, 'gateway id');
      return `${prefix}.delivery.${gatewayId}`;
    },
    multicast(gatewayId: string): string {
      validateName(gatewayId, 'gateway id');
      return `${prefix}.multicast.${gatewayId}`;
    },
  });
}

function streamNameFor(base: string, prefix: string): string {
  const name = prefix === 'opamp' ? base : `${base}_${prefix.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  validateName(name, 'stream name');
  return name;
}

function durables<S extends string>(services: readonly S[], stream: string, filterSubject: string): Readonly<Record<S, DurableSpec>> {
  const entries = services.map((service) => [service, Object.freeze({ stream, durable: service, filterSubject })]);
  return Object.freeze(Object.fromEntries(entries) as Record<S, DurableSpec>);
}

type StreamLimits = typeof AGENT_EVENTS_LIMITS;

function limits(defaults: StreamLimits, overrides: TopologyOptions['agentEvents']): StreamLimits {
  const defined = Object.entries(overrides ?? {}).filter(([, v]) => v !== undefined);
  return { ...defaults, ...Object.fromEntries(defined) };
}

/** Creates or updates every stream of `topology`. Idempotent; run by each service at start-up. */
export async function ensureTopology(bus: EventBus, topology: Topology): Promise<void> {
  for (const stream of Object.values(topology.streams)) await bus.ensureStream(stream);
}
