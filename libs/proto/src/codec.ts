/**
 * Typed encode/decode of the eight messages that cross process boundaries.
 * Decoders never throw anything but {@link ProtoDecodeError}; encoders never
 * throw anything but {@link ProtoEncodeError}.
 */
import { ProtoDecodeError, ProtoEncodeError } from './errors.js';
import {
  bus,
  opamp,
  type AgentConnectionEvent,
  type AgentMessageEnvelope,
  type AgentToServer,
  type IAgentConnectionEvent,
  type AgentLivenessBatch,
  type IAgentLivenessBatch,
  type DeliveryReceipt,
  type IDeliveryReceipt,
  type IServerToAgentMulticast,
  type ServerToAgentMulticast,
  type IAgentMessageEnvelope,
  type IAgentToServer,
  type IServerToAgent,
  type IServerToAgentDelivery,
  type ServerToAgent,
  type ServerToAgentDelivery,
} from './messages.js';
import { checkWire } from './wire-check.js';

/** The parts of a generated static message class the codec relies on. */
interface StaticMessageType<T, P> {
  decode(bytes: Uint8Array): T;
  encode(message: P): { finish(): Uint8Array };
  // Generated signature; `any` is what pbts emits for verify's argument.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  verify(message: { [k: string]: any }): string | null;
}

interface MessageCodec<T, P> {
  decode(bytes: Uint8Array): T;
  encode(message: P): Uint8Array;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function messageCodec<T, P>(type: StaticMessageType<T, P>, fullName: string): MessageCodec<T, P> {
  const label = fullName.slice(fullName.lastIndexOf('.') + 1);
  return {
    decode(bytes) {
      if (!(bytes instanceof Uint8Array)) {
        throw new ProtoDecodeError(`${label}: expected a Uint8Array, got ${typeof bytes}`);
      }
      try {
        checkWire(bytes, fullName);
        const message = type.decode(bytes);
        const problem = type.verify(message as { [k: string]: unknown });
        if (problem !== null) throw new ProtoDecodeError(problem);
        return message;
      } catch (err) {
        // Keep the protobufjs error (if any) as the cause, not our own wrapper.
        const cause = err instanceof ProtoDecodeError ? err.cause : err;
        throw new ProtoDecodeError(`${label}: ${describe(err)}`, { cause });
      }
    },
    encode(message) {
      const problem = type.verify(message as { [k: string]: unknown });
      if (problem !== null) throw new ProtoEncodeError(`${label}: ${problem}`);
      try {
        return type.encode(message).finish();
      } catch (err) {
        throw new ProtoEncodeError(`${label}: ${describe(err)}`, { cause: err });
      }
    },
  };
}

const agentToServer = messageCodec<AgentToServer, IAgentToServer>(opamp.AgentToServer, 'opamp.proto.v1.AgentToServer');
const serverToAgent = messageCodec<ServerToAgent, IServerToAgent>(opamp.ServerToAgent, 'opamp.proto.v1.ServerToAgent');
const envelope = messageCodec<AgentMessageEnvelope, IAgentMessageEnvelope>(
  bus.AgentMessageEnvelope,
  'shepherd.bus.v1.AgentMessageEnvelope',
);
const connectionEvent = messageCodec<AgentConnectionEvent, IAgentConnectionEvent>(
  bus.AgentConnectionEvent,
  'shepherd.bus.v1.AgentConnectionEvent',
);
const livenessBatch = messageCodec<AgentLivenessBatch, IAgentLivenessBatch>(bus.AgentLivenessBatch, 'shepherd.bus.v1.AgentLivenessBatch');
const multicast = messageCodec<ServerToAgentMulticast, IServerToAgentMulticast>(bus.ServerToAgentMulticast, 'shepherd.bus.v1.ServerToAgentMulticast');
const receipt = messageCodec<DeliveryReceipt, IDeliveryReceipt>(bus.DeliveryReceipt, 'shepherd.bus.v1.DeliveryReceipt');
const delivery = messageCodec<ServerToAgentDelivery, IServerToAgentDelivery>(
  bus.ServerToAgentDelivery,
  'shepherd.bus.v1.ServerToAgentDelivery',
);

/**
 * Decodes the protobuf bytes of an AgentToServer (after WebSocket framing or
 * gzip were removed). 64-bit fields come back as `Long`; bytes fields may
 * share memory with `bytes`. Unknown fields are ignored.
 * @throws {ProtoDecodeError} for anything that is not a well-formed AgentToServer.
 */
export function decodeAgentToServer(bytes: Uint8Array): AgentToServer {
  return agentToServer.decode(bytes);
}

/**
 * Encodes an AgentToServer (fields in field-number order, zero scalars omitted).
 * @throws {ProtoEncodeError} when a field holds a value of the wrong type.
 */
export function encodeAgentToServer(message: IAgentToServer): Uint8Array {
  return agentToServer.encode(message);
}

/**
 * Decodes the protobuf bytes of a ServerToAgent. Same guarantees as {@link decodeAgentToServer}.
 * @throws {ProtoDecodeError} for anything that is not a well-formed ServerToAgent.
 */
export function decodeServerToAgent(bytes: Uint8Array): ServerToAgent {
  return serverToAgent.decode(bytes);
}

/**
 * Encodes a ServerToAgent (without the WebSocket header; see `encodeWsFrame`).
 * @throws {ProtoEncodeError} when a field holds a value of the wrong type.
 */
export function encodeServerToAgent(message: IServerToAgent): Uint8Array {
  return serverToAgent.encode(message);
}

/**
 * Decodes a bus AgentMessageEnvelope. `agentToServer` stays raw bytes.
 * @throws {ProtoDecodeError} for anything that is not a well-formed envelope.
 */
export function decodeAgentMessageEnvelope(bytes: Uint8Array): AgentMessageEnvelope {
  return envelope.decode(bytes);
}

/**
 * Encodes a bus AgentMessageEnvelope.
 * @throws {ProtoEncodeError} when a field holds a value of the wrong type.
 */
export function encodeAgentMessageEnvelope(message: IAgentMessageEnvelope): Uint8Array {
  return envelope.encode(message);
}

/**
 * Decodes a bus AgentConnectionEvent.
 * @throws {ProtoDecodeError} for anything that is not a well-formed event.
 */
export function decodeAgentConnectionEvent(bytes: Uint8Array): AgentConnectionEvent {
  return connectionEvent.decode(bytes);
}

/**
 * Encodes a bus AgentConnectionEvent.
 * @throws {ProtoEncodeError} when a field holds a value of the wrong type.
 */
export function encodeAgentConnectionEvent(message: IAgentConnectionEvent): Uint8Array {
  return connectionEvent.encode(message);
}

/**
 * Decodes a bus AgentLivenessBatch.
 * @throws {ProtoDecodeError} for anything that is not a well-formed batch.
 */
export function decodeAgentLivenessBatch(bytes: Uint8Array): AgentLivenessBatch {
  return livenessBatch.decode(bytes);
}

/**
 * Encodes a bus AgentLivenessBatch.
 * @throws {ProtoEncodeError} when a field holds a value of the wrong type.
 */
export function encodeAgentLivenessBatch(message: IAgentLivenessBatch): Uint8Array {
  return livenessBatch.encode(message);
}

/**
 * Decodes a bus ServerToAgentDelivery. `serverToAgent` stays raw bytes.
 * @throws {ProtoDecodeError} for anything that is not a well-formed delivery.
 */
export function decodeServerToAgentDelivery(bytes: Uint8Array): ServerToAgentDelivery {
  return delivery.decode(bytes);
}

/**
 * Encodes a bus ServerToAgentDelivery.
 * @throws {ProtoEncodeError} when a field holds a value of the wrong type.
 */
export function encodeServerToAgentDelivery(message: IServerToAgentDelivery): Uint8Array {
  return delivery.encode(message);
}

/**
 * Decodes a bus ServerToAgentMulticast. `serverToAgent` stays raw bytes.
 * @throws {ProtoDecodeError} for anything that is not a well-formed multicast.
 */
export function decodeServerToAgentMulticast(bytes: Uint8Array): ServerToAgentMulticast {
  return multicast.decode(bytes);
}

/**
 * Encodes a bus ServerToAgentMulticast.
 * @throws {ProtoEncodeError} when a field holds a value of the wrong type.
 */
export function encodeServerToAgentMulticast(message: IServerToAgentMulticast): Uint8Array {
  return multicast.encode(message);
}

/**
 * Decodes a bus DeliveryReceipt.
 * @throws {ProtoDecodeError} for anything that is not a well-formed receipt.
 */
export function decodeDeliveryReceipt(bytes: Uint8Array): DeliveryReceipt {
  return receipt.decode(bytes);
}

/**
 * Encodes a bus DeliveryReceipt.
 * @throws {ProtoEncodeError} when a field holds a value of the wrong type.
 */
export function encodeDeliveryReceipt(message: IDeliveryReceipt): Uint8Array {
  return receipt.encode(message);
}
