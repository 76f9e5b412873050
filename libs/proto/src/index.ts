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
  type AgentLivenessBatch,
  type IAgentLivenessBatch,
  type IAgentLiveness,
  type ServerToAgentDelivery,
  type IServerToAgentDelivery,
  type ServerToAgentMulticast,
  type IServerToAgentMulticast,
  type DeliveryReceipt,
  type IDeliveryReceipt,
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
  decodeAgentLivenessBatch,
  encodeAgentLivenessBatch,
  decodeServerToAgentDelivery,
  encodeServerToAgentDelivery,
  decodeServerToAgentMulticast,
  encodeServerToAgentMulticast,
  decodeDeliveryReceipt,
  encodeDeliveryReceipt,
} from './codec.js';
export { encodePlainServerToAgent } from './plain-reply.js';
export { encodeWsFrame, decodeWsFrame, type WsFrameDecodeOptions } from './ws-framing.js';
export { scanTopLevelFields, encodeUint64Field, type ScannedField } from './field-scan.js';
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
