/**
 * @shepherd/agent-transport: the agent side of the OpAMP wire, shared by the
 * reference agent (@shepherd/agent) and the test FakeAgent (@shepherd/testing).
 */
export type { ConfigFile } from './config-file.js';
export {
  MAX_MESSAGE_BYTES,
  type ConnectFailure,
  type OpampTransport,
  type ReplyAction,
  type TlsMaterial,
  type TransportHost,
  type TransportSettings,
  type WsCloseInfo,
} from './opamp-transport.js';
export { WsTransport } from './ws-transport.js';
export { HttpTransport } from './http-transport.js';
export { StatusReport, configMapOf, type BuiltMessage, type RemoteConfigState, type ReportPart } from './status-report.js';
export { FullJitterBackoff, type BackoffBounds } from './full-jitter-backoff.js';
export { MAX_RETRY_AFTER_MS, boundedRetryAfterHeaderMs, retryAfterHeaderMs, retryInfoMs } from './retry-after.js';
