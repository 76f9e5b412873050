/**
 * @shepherd/bus/testing: clean-up for tests and benchmarks that use NATS JetStream under a
 * subject prefix of their own. Never imported by production code.
 */
export { deleteTopologyStreams, natsServerVersion } from './nats-cleanup.js';
export { openBacklogProbe, type BacklogProbe, type ConsumerBacklog } from './backlog-probe.js';
