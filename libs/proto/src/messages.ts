/**
 * The generated message namespaces and short aliases for the types other
 * libs use most. Everything here is produced by `proto:gen` from `proto/`.
 */
import { opamp as opampRoot } from './generated/opamp.js';
import { shepherd as shepherdRoot } from './generated/bus.js';

/** Every OpAMP message and enum (`opamp.proto.v1`), as static protobufjs classes. */
export import opamp = opampRoot.proto.v1;
/** Every internal bus payload and enum (`shepherd.bus.v1`), as static protobufjs classes. */
export import bus = shepherdRoot.bus.v1;

/** A decoded AgentToServer (64-bit fields are `Long`). */
export type AgentToServer = opamp.AgentToServer;
/** The properties accepted when building an AgentToServer. */
export type IAgentToServer = opamp.AgentToServer.$Properties;
/** A decoded ServerToAgent (64-bit fields are `Long`). */
export type ServerToAgent = opamp.ServerToAgent;
/** The properties accepted when building a ServerToAgent. */
export type IServerToAgent = opamp.ServerToAgent.$Properties;

/** A decoded AgentMessageEnvelope. */
export type AgentMessageEnvelope = bus.AgentMessageEnvelope;
/** The properties accepted when building an AgentMessageEnvelope. */
export type IAgentMessageEnvelope = bus.AgentMessageEnvelope.$Properties;
/** A decoded AgentConnectionEvent. */
export type AgentConnectionEvent = bus.AgentConnectionEvent;
/** The properties accepted when building an AgentConnectionEvent. */
export type IAgentConnectionEvent = bus.AgentConnectionEvent.$Properties;
/** A decoded AgentLivenessBatch. */
export type AgentLivenessBatch = bus.AgentLivenessBatch;
/** The properties accepted when building an AgentLivenessBatch. */
export type IAgentLivenessBatch = bus.AgentLivenessBatch.$Properties;
/** The properties accepted when building one AgentLiveness entry. */
export type IAgentLiveness = bus.AgentLiveness.$Properties;
/** A decoded ServerToAgentMulticast. */
export type ServerToAgentMulticast = bus.ServerToAgentMulticast;
/** The properties accepted when building a ServerToAgentMulticast. */
export type IServerToAgentMulticast = bus.ServerToAgentMulticast.$Properties;
/** A decoded DeliveryReceipt. */
export type DeliveryReceipt = bus.DeliveryReceipt;
/** The properties accepted when building a DeliveryReceipt. */
export type IDeliveryReceipt = bus.DeliveryReceipt.$Properties;
/** A decoded ServerToAgentDelivery. */
export type ServerToAgentDelivery = bus.ServerToAgentDelivery;
/** The properties accepted when building a ServerToAgentDelivery. */
export type IServerToAgentDelivery = bus.ServerToAgentDelivery.$Properties;

/** How an agent is connected to its gateway (bus enum). */
export const Transport = bus.Transport;
/** How an agent is connected to its gateway (bus enum). */
export type Transport = bus.Transport;
/** What happened to an agent's connection (bus enum). */
export const ConnectionEventKind = bus.ConnectionEventKind;
/** What happened to an agent's connection (bus enum). */
export type ConnectionEventKind = bus.ConnectionEventKind;
/** What a ServerToAgentDelivery carries; an HTTP gateway keeps the latest of each kind (bus enum). */
export const DeliveryKind = bus.DeliveryKind;
/** What a ServerToAgentDelivery carries; an HTTP gateway keeps the latest of each kind (bus enum). */
export type DeliveryKind = bus.DeliveryKind;
