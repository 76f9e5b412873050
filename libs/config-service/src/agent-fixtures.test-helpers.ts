import {
  AgentCapabilities,
  ConnectionEventKind,
  decodeAgentMessageEnvelope,
  decodeAgentToServer,
  encodeAgentConnectionEvent,
  encodeAgentLivenessBatch,
  encodeAgentMessageEnvelope,
  encodeAgentToServer,
  type IAgentToServer,
  newInstanceUid,
  toLong,
  toMask,
  Transport,
  uidToString,
} from '@shepherd/proto';

/** Capabilities of a typical Collector: status, remote config (accept and report), effective config, health. */
export const FULL_CAPABILITIES = toMask(
  AgentCapabilities.AgentCapabilities_ReportsStatus,
  AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig,
  AgentCapabilities.AgentCapabilities_ReportsRemoteConfig,
  AgentCapabilities.AgentCapabilities_ReportsEffectiveConfig,
  AgentCapabilities.AgentCapabilities_ReportsHealth,
);

/** Status only: no remote config. */
export const STATUS_ONLY = toMask(AgentCapabilities.AgentCapabilities_ReportsStatus);

/** A fresh agent uid as bytes and text. */
export function newAgent(): { bytes: Uint8Array; uid: string } {
  const bytes = newInstanceUid();
  return { bytes, uid: uidToString(bytes) };
}

/** A description with these non-identifying labels and `service.name` as the identifying one. */
export function description(labels: Record<string, string>, serviceName = 'otelcol'): NonNullable<IAgentToServer['agentDescription']> {
  return {
    identifyingAttributes: [{ key: 'service.name', value: { stringValue: serviceName } }],
    nonIdentifyingAttributes: Object.entries(labels).map(([key, value]) => ({ key, value: { stringValue: value } })),
  };
}

/** Envelope fields a test may set. */
export interface EnvelopeFields {
  readonly gatewayId?: string;
  readonly tenantId?: string;
  readonly receivedAtMs: number;
  readonly transport?: Transport;
  readonly connectionId?: string;
}

/** Encoded AgentMessageEnvelope around `message`. */
export function envelopeBytes(message: IAgentToServer, fields: EnvelopeFields): Uint8Array {
  return encodeAgentMessageEnvelope({
    gatewayId: fields.gatewayId ?? 'gw-1',
    receivedAtUnixNano: toLong(BigInt(fields.receivedAtMs) * 1_000_000n),
    transport: fields.transport ?? Transport.TRANSPORT_WEBSOCKET,
    tenantId: fields.tenantId ?? 'default',
    principal: 'test-agent',
    instanceUid: message.instanceUid ?? new Uint8Array(16),
    connectionId: fields.connectionId ?? 'c1',
    agentToServer: encodeAgentToServer(message),
  });
}

/** The decoded pair the inventory takes, built through the real codecs. */
export function decodedMessage(message: IAgentToServer, fields: EnvelopeFields): {
  envelope: ReturnType<typeof decodeAgentMessageEnvelope>;
  message: ReturnType<typeof decodeAgentToServer>;
} {
  const envelope = decodeAgentMessageEnvelope(envelopeBytes(message, fields));
  return { envelope, message: decodeAgentToServer(envelope.agentToServer) };
}

/** Encoded AgentConnectionEvent. */
export function connectionEventBytes(
  uid: Uint8Array,
  kind: ConnectionEventKind,
  fields: { gatewayId?: string; tenantId?: string; atMs: number; transport?: Transport },
): Uint8Array {
  return encodeAgentConnectionEvent({
    instanceUid: uid,
    gatewayId: fields.gatewayId ?? 'gw-1',
    tenantId: fields.tenantId ?? 'default',
    transport: fields.transport ?? Transport.TRANSPORT_WEBSOCKET,
    connectionId: 'c1',
    kind,
    atUnixNano: toLong(BigInt(fields.atMs) * 1_000_000n),
    reason: kind === ConnectionEventKind.CONNECTION_EVENT_KIND_CONNECTED ? 'connected' : 'socket closed',
  });
}

/** One entry of {@link livenessBatchBytes}. */
export interface LivenessEntry {
  readonly uid: Uint8Array;
  readonly seq: number;
  readonly atMs: number;
  readonly tenantId?: string;
}

/** Encoded AgentLivenessBatch of `gatewayId`. */
export function livenessBatchBytes(gatewayId: string, entries: readonly LivenessEntry[]): Uint8Array {
  return encodeAgentLivenessBatch({
    gatewayId,
    agents: entries.map((e) => ({
      instanceUid: e.uid,
      sequenceNum: toLong(BigInt(e.seq)),
      seenAtUnixNano: toLong(BigInt(e.atMs) * 1_000_000n),
      tenantId: e.tenantId ?? 'default',
      transport: Transport.TRANSPORT_WEBSOCKET,
      connectionId: 'c1',
    })),
  });
}

/** Sequence numbers as the wire carries them. */
export function seq(n: number): ReturnType<typeof toLong> {
  return toLong(BigInt(n));
}
