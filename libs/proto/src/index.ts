/**
 * @shepherd/proto: the OpAMP wire messages (`opamp.proto.v1`), the internal
 * bus envelopes (`shepherd.bus.v1`), their codecs, OpAMP WebSocket framing,
 * and helpers for 64-bit masks and instance uids.
 */
export {
  opamp,
  bus,
  Transport,
  ConnectionEventKind,
  DeliveryKind,
  type AgentToServer,
  type IAgentToServer,
  type ServerToAgent,
  type IServerToAgent,
  type AgentMessageEnvelope,
  type IAgentMessageEnvelope,
  type AgentConnectionEvent,
  type IAgentConnectionEvent,
  type ServerToAgentDelivery,
  type IServerToAgentDelivery,
} from './messages.js';
export {
  decodeAgentToServer,
  encodeAgentToServer,
  decodeServerToAgent,
  encodeServerToAgent,
  decodeAgentMessageEnvelope,
  encodeAgentMessageEnvelope,
  decodeAgentConnectionEvent,
  encodeAgentConnectionEvent,
  decodeServerToAgentDelivery,
  encodeServerToAgentDelivery,
} from './codec.js';
export { encodeWsFrame, decodeWsFrame, type WsFrameDecodeOptions } from './ws-framing.js';
export { toBigInt, toLong } from './uint64.js';
export {
  AgentCapabilities,
  ServerCapabilities,
  AgentToServerFlags,
  ServerToAgentFlags,
  RemoteConfigStatuses,
  ConnectionSettingsStatuses,
  PackageStatusEnum,
  PackageType,
  CommandType,
  ServerErrorResponseType,
  hasCapability,
  toMask,
  type BitMask,
} from './capabilities.js';
export { uidToString, uidFromString, newInstanceUid, isValidUid } from './uuid.js';
export {
  ProtoDecodeError,
  ProtoEncodeError,
  WsFrameHeaderError,
  InvalidInstanceUidError,
  Uint64RangeError,
} from './errors.js';
