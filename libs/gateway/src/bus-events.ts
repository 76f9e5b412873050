import {
  ConnectionEventKind,
  encodeAgentConnectionEvent,
  encodeAgentMessageEnvelope,
  toLong,
  Transport,
} from '@shepherd/proto';
import type { AgentEntry } from './agent-entry.js';

const NANOS_PER_MS = 1_000_000n;

/** Wall-clock now in ns since the Unix epoch, as a fixed64 `Long`. */
export function nowUnixNano(): ReturnType<typeof toLong> {
  return toLong(BigInt(Date.now()) * NANOS_PER_MS);
}

function transportOf(entry: AgentEntry): Transport {
  return entry.transport === 'websocket' ? Transport.TRANSPORT_WEBSOCKET : Transport.TRANSPORT_HTTP;
}

/** Hex of the 16 uid bytes, as used in bus message ids. */
export function uidHex(entry: AgentEntry): string {
  return Buffer.from(entry.uidBytes).toString('hex');
}

/**
 * The AgentMessageEnvelope of one accepted AgentToServer; `payload` is the
 * encoded message exactly as received (after framing/gzip were removed).
 * msgId `<uid-hex>:<sequence_num>:<connection_id>` lets the stream drop a
 * re-sent copy.
 */
export function messageEnvelope(gatewayId: string, entry: AgentEntry, payload: Uint8Array, sequenceNum: bigint): { data: Uint8Array; msgId: string } {
  const data = encodeAgentMessageEnvelope({
    gatewayId,
    receivedAtUnixNano: nowUnixNano(),
    transport: transportOf(entry),
    tenantId: entry.principal.tenantId,
    principal: entry.principal.subject,
    instanceUid: entry.uidBytes,
    connectionId: entry.holderId,
    agentToServer: payload,
  });
  return { data, msgId: `${uidHex(entry)}:${sequenceNum}:${entry.holderId}` };
}

/** An AgentConnectionEvent for `entry`; msgId `<uid-hex>:<kind>:<connection_id>`. */
export function connectionEvent(
  gatewayId: string,
  entry: AgentEntry,
  kind: 'connected' | 'disconnected',
  reason: string,
): { data: Uint8Array; msgId: string } {
  const data = encodeAgentConnectionEvent({
    instanceUid: entry.uidBytes,
    gatewayId,
    tenantId: entry.principal.tenantId,
    transport: transportOf(entry),
    connectionId: entry.holderId,
    kind: kind === 'connected' ? ConnectionEventKind.CONNECTION_EVENT_KIND_CONNECTED : ConnectionEventKind.CONNECTION_EVENT_KIND_DISCONNECTED,
    atUnixNano: nowUnixNano(),
    reason,
  });
  return { data, msgId: `${uidHex(entry)}:${kind}:${entry.holderId}` };
}
