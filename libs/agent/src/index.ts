/**
 * @shepherd/agent: the reference OpAMP agent that supervises an OpenTelemetry Collector.
 */
export type {
  ConfigFile,
  ApplyOutcome,
  CollectorPort,
  CollectorHealth,
} from './collector-port.js';
export { silentLogger, type AgentLogger } from './agent-logger.js';
export { createCollectorSupervisor } from './collector-supervisor.js';
export type { CollectorSupervisorOptions } from './supervisor-options.js';
export type { CollectorStatus } from './collector-health.js';
export {
  CollectorSupervisorOptionsError,
  CollectorStartError,
  RemoteConfigApplyError,
  type ApplyFailureReason,
} from './supervisor-errors.js';
export { configHashHex } from './config-hash.js';
// OpAMP side: agent config, connection, agent loop, assembly.
export { loadAgentConfig, parseAgentConfig, type AgentConfig, type AgentTlsConfig, type OpampTransportKind, type ParseAgentConfigOptions } from './agent-config.js';
export { AgentConfigError, type AgentConfigProblem } from './agent-config-error.js';
export { declaredCapabilities } from './agent-capabilities.js';
export { InstanceUidStore, InstanceUidFileError, INSTANCE_UID_FILE } from './instance-uid-store.js';
export { loadTlsMaterial, TlsFileError, type TlsMaterial } from './tls-options.js';
export {
  OpampClient,
  type OpampClientOptions,
  type OpampClientEvents,
  type RemoteConfigOffer,
  type InstanceUidPersistence,
} from './opamp-client.js';
// The wire side (transports, status report, backoff) lives in @shepherd/agent-transport.
export type { ConnectFailure, RemoteConfigState } from '@shepherd/agent-transport';
export { ShepherdAgent, type ShepherdAgentOptions } from './shepherd-agent.js';
export { assembleAgent, readPublicKeys, supervisorOptionsOf, type AssembleAgentOptions } from './assemble-agent.js';
