/**
 * @shepherd/bus: the event-bus port (durable streams and consumers, core
 * publish/subscribe, request/reply), its NATS JetStream and in-process
 * adapters, and Shepherd's subject catalogue.
 */
export type {
  BusConsumer,
  BusMessage,
  BusSubscription,
  ConsumeOptions,
  DeliverPolicy,
  EventBus,
  MessageHandler,
  PublishOptions,
  PublishReceipt,
  RequestOptions,
  ServeHandler,
  StreamDefinition,
  SubscribeOptions,
  SubscriptionHandler,
} from './event-bus.js';
export {
  BusClosedError,
  BusUnavailableError,
  ConsumerConflictError,
  InvalidBusOptionError,
  InvalidBusUrlError,
  InvalidHeaderError,
  InvalidNameError,
  InvalidSubjectError,
  NoRespondersError,
  NoStreamError,
  PayloadTooLargeError,
  PublishQueueFullError,
  RemoteHandlerError,
  RequestTimeoutError,
  StreamConflictError,
} from './errors.js';
export { CONSUME_DEFAULTS } from './consume-options.js';
export { STREAM_DEFAULTS } from './stream-definition.js';
export { subjectMatches, subjectIsSubsetOf, subjectsOverlap, validateSubject, validateName } from './subject-match.js';
export { silentLogger, type BusLogger } from './bus-logger.js';
export { openBus, type OpenBusOptions } from './open-bus.js';
export { connectNatsBus, type NatsBusOptions } from './nats/connect-nats-bus.js';
export { createInProcessBus } from './memory/in-process-event-bus.js';
export type { InProcessBusOptions } from './memory/in-process-options.js';
export {
  AGENT_EVENT_CONSUMERS,
  AGENT_EVENTS_LIMITS,
  CONFIG_EVENT_CONSUMERS,
  CONFIG_EVENTS_LIMITS,
  createTopology,
  ensureTopology,
  type AgentEventConsumer,
  type ConfigEventConsumer,
  type DurableSpec,
  type Topology,
  type TopologyOptions,
} from './topology.js';
