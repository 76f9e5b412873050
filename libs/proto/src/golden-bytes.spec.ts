// Golden wire vectors. Every expected hex string below was derived by hand
// from the protobuf encoding rules, not copied from encoder output:
//   tag byte = (field_number << 3) | wire_type, wire types: 0 varint,
//   1 fixed 64-bit little-endian, 2 length-delimited (varint length + bytes);
//   base-128 varints put the low 7 bits first, 0x80 = "more bytes follow";
//   proto3 omits zero scalars; protobufjs writes fields in field-number order
//   and always writes both key (1) and value (2) of a map entry.
import Long from 'long';
import { describe, expect, it } from 'vitest';
import {
  decodeAgentConnectionEvent,
  decodeAgentLivenessBatch,
  decodeAgentMessageEnvelope,
  decodeDeliveryReceipt,
  decodeAgentToServer,
  decodeServerToAgent,
  decodeServerToAgentDelivery,
  decodeServerToAgentMulticast,
  encodeAgentConnectionEvent,
  encodeAgentLivenessBatch,
  encodeAgentMessageEnvelope,
  encodeDeliveryReceipt,
  encodeAgentToServer,
  encodeServerToAgent,
  encodeServerToAgentDelivery,
  encodeServerToAgentMulticast,
} from './codec.js';
import { ConnectionEventKind, DeliveryKind, Transport } from './messages.js';

const UID = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const UID_HEX = '0102030405060708090a0b0c0d0e0f10';
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
const squash = (hex: string): string => hex.replace(/\s+/g, '');
const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? []).toString();

describe('golden bytes', () => {
  // AgentToServer{instance_uid=01..10, sequence_num=1, capabilities=0x1807,
  //   health{healthy=true, start_time_unix_nano=0x0102030405060708}, agent_disconnect{}}
  //   0a 10 <uid>  field 1 bytes: tag (1<<3)|2 = 0x0a, length 16
  //   10 01        field 2 uint64: tag (2<<3)|0 = 0x10, varint 1
  //   20 87 30     field 4 uint64: tag 0x20; 0x1807 = 6151 = 48*128 + 7 -> 0x87 (7 | 0x80), 0x30 (48)
  //                (ReportsStatus 0x1 | AcceptsRemoteConfig 0x2 | ReportsEffectiveConfig 0x4
  //                 | ReportsHealth 0x800 | ReportsRemoteConfig 0x1000)
  //   2a 0b ...    field 5 message, 11 bytes:
  //     08 01                       healthy: tag (1<<3)|0, true
  //     11 08 07 06 05 04 03 02 01  start_time_unix_nano: tag (2<<3)|1 = 0x11, fixed64 little-endian
  //   4a 00        field 9 empty message: tag (9<<3)|2 = 0x4a, length 0 (presence is the message)
  const AGENT_TO_SERVER_HEX = `0a10 ${UID_HEX} 1001 208730 2a0b 0801 110807060504030201 4a00`;

  it('encodes and decodes the AgentToServer vector', () => {
    const bytes = encodeAgentToServer({
      instanceUid: UID,
      sequenceNum: Long.fromInt(1, true),
      capabilities: Long.fromInt(0x1807, true),
      health: { healthy: true, startTimeUnixNano: Long.fromString('0102030405060708', true, 16) },
      agentDisconnect: {},
    });
    expect(toHex(bytes)).toBe(squash(AGENT_TO_SERVER_HEX));
    const decoded = decodeAgentToServer(fromHex(AGENT_TO_SERVER_HEX));
    expect(toHex(decoded.instanceUid)).toBe(UID_HEX);
    expect(decoded.sequenceNum.toString()).toBe('1');
    expect(decoded.capabilities.toString(16)).toBe('1807');
    expect(decoded.health?.healthy).toBe(true);
    expect(Long.fromValue(decoded.health!.startTimeUnixNano!).toString(16)).toBe('102030405060708');
    expect(decoded.agentDisconnect).toBeDefined();
    expect(decoded.agentDescription ?? null).toBeNull();
  });

  // ServerToAgent{instance_uid=01..10, remote_config{config{config_map{"c": {body "a: 1",
  //   content_type "text/yaml"}}}, config_hash=ab cd}, flags=1, capabilities=7}
  //   0a 10 <uid>             field 1 bytes
  //   1a 1e                   field 3 AgentRemoteConfig, 30 bytes:
  //     0a 18                   config (AgentConfigMap), 24 bytes:
  //       0a 16                   config_map entry, 22 bytes:
  //         0a 01 63                key "c"
  //         12 11                   value AgentConfigFile, 17 bytes:
  //           0a 04 613a2031          body "a: 1"
  //           12 09 746578742f79616d6c content_type "text/yaml" (9 bytes)
  //     12 02 abcd              config_hash
  //   30 01                   field 6 flags: tag (6<<3)|0 = 0x30, ReportFullState
  //   38 07                   field 7 capabilities: tag (7<<3)|0 = 0x38,
  //                           AcceptsStatus | OffersRemoteConfig | AcceptsEffectiveConfig
  const SERVER_TO_AGENT_HEX = `0a10 ${UID_HEX} 1a1e 0a18 0a16 0a0163 1211 0a04613a2031 1209746578742f79616d6c 1202abcd 3001 3807`;

  it('encodes and decodes the ServerToAgent vector', () => {
    const bytes = encodeServerToAgent({
      instanceUid: UID,
      remoteConfig: {
        config: { configMap: { c: { body: new TextEncoder().encode('a: 1'), contentType: 'text/yaml' } } },
        configHash: Uint8Array.from([0xab, 0xcd]),
      },
      flags: Long.fromInt(1, true),
      capabilities: Long.fromInt(7, true),
    });
    expect(toHex(bytes)).toBe(squash(SERVER_TO_AGENT_HEX));
    const decoded = decodeServerToAgent(fromHex(SERVER_TO_AGENT_HEX));
    expect(text(decoded.remoteConfig?.config?.configMap?.c?.body)).toBe('a: 1');
    expect(decoded.remoteConfig?.config?.configMap?.c?.contentType).toBe('text/yaml');
    expect(toHex(decoded.remoteConfig!.configHash!)).toBe('abcd');
    expect(decoded.flags.toString()).toBe('1');
    expect(decoded.capabilities.toString()).toBe('7');
  });

  // ServerToAgent{instance_uid, error_response{type=Unavailable(2), error_message "busy",
  //   retry_info{retry_after_nanoseconds=30e9}}, capabilities=1}
  //   30e9 = 0x6FC23AC00; 7-bit groups from the low end: 0x00, 0x58, 0x0e, 0x61, 0x6f
  //   -> varint 80 d8 8e e1 6f (check: 0x6f<<28 + 0x61<<21 + 0x0e<<14 + 0x58<<7 = 30000000000)
  //   12 10          field 2 ServerErrorResponse, 16 bytes:
  //     08 02          type Unavailable
  //     12 04 62757379 error_message "busy"
  //     1a 06          retry_info (oneof Details), 6 bytes: 08 80d88ee16f
  //   38 01          capabilities AcceptsStatus
  const ERROR_HEX = `0a10 ${UID_HEX} 1210 0802 120462757379 1a06 0880d88ee16f 3801`;

  it('encodes and decodes the ServerToAgent error_response vector', () => {
    const bytes = encodeServerToAgent({
      instanceUid: UID,
      errorResponse: { type: 2, errorMessage: 'busy', retryInfo: { retryAfterNanoseconds: Long.fromString('30000000000', true) } },
      capabilities: Long.fromInt(1, true),
    });
    expect(toHex(bytes)).toBe(squash(ERROR_HEX));
    const decoded = decodeServerToAgent(fromHex(ERROR_HEX));
    expect(decoded.errorResponse?.retryInfo?.retryAfterNanoseconds?.toString()).toBe('30000000000');
  });

  // AgentMessageEnvelope: 0a 04 "gw-1" | 11 <fixed64 1> | 18 01 (WEBSOCKET) | 22 01 "t" | 2a 01 "p"
  //   | 32 10 <uid> | 3a 02 "c1" | 42 02 <AgentToServer bytes 10 01 = sequence_num 1>
  const ENVELOPE_HEX = `0a0467772d31 110100000000000000 1801 220174 2a0170 3210 ${UID_HEX} 3a026331 42021001`;

  it('encodes and decodes the AgentMessageEnvelope vector', () => {
    const envelope = {
      gatewayId: 'gw-1',
      receivedAtUnixNano: Long.fromInt(1, true),
      transport: Transport.TRANSPORT_WEBSOCKET,
      tenantId: 't',
      principal: 'p',
      instanceUid: UID,
      connectionId: 'c1',
      agentToServer: Uint8Array.from([0x10, 0x01]),
    };
    expect(toHex(encodeAgentMessageEnvelope(envelope))).toBe(squash(ENVELOPE_HEX));
    const decoded = decodeAgentMessageEnvelope(fromHex(ENVELOPE_HEX));
    expect(decoded.gatewayId).toBe('gw-1');
    expect(decoded.receivedAtUnixNano.toString()).toBe('1');
    expect(decoded.transport).toBe(Transport.TRANSPORT_WEBSOCKET);
    expect([decoded.tenantId, decoded.principal, decoded.connectionId]).toEqual(['t', 'p', 'c1']);
    expect(decodeAgentToServer(decoded.agentToServer).sequenceNum.toString()).toBe('1');
  });

  // AgentConnectionEvent: 0a 10 <uid> | 12 04 "gw-1" | 1a 01 "t" | 20 02 (HTTP) | 2a 02 "c1"
  //   | 30 02 (DISCONNECTED) | 39 <fixed64 0x0102030405060708 LE>: tag (7<<3)|1 = 0x39 | 42 03 "bye"
  const EVENT_HEX = `0a10 ${UID_HEX} 120467772d31 1a0174 2002 2a026331 3002 390807060504030201 4203627965`;

  it('encodes and decodes the AgentConnectionEvent vector', () => {
    const event = {
      instanceUid: UID,
      gatewayId: 'gw-1',
      tenantId: 't',
      transport: Transport.TRANSPORT_HTTP,
      connectionId: 'c1',
      kind: ConnectionEventKind.CONNECTION_EVENT_KIND_DISCONNECTED,
      atUnixNano: Long.fromString('0102030405060708', true, 16),
      reason: 'bye',
    };
    expect(toHex(encodeAgentConnectionEvent(event))).toBe(squash(EVENT_HEX));
    const decoded = decodeAgentConnectionEvent(fromHex(EVENT_HEX));
    expect(decoded.kind).toBe(ConnectionEventKind.CONNECTION_EVENT_KIND_DISCONNECTED);
    expect(decoded.atUnixNano.toString(16)).toBe('102030405060708');
    expect(decoded.reason).toBe('bye');
  });

  // AgentLivenessBatch: 0a 04 "gw-1" | 12 27 <AgentLiveness, 39 bytes>:
  //   0a 10 <uid> (18) | 10 ac 02: sequence_num 300 = 2*128 + 44 -> 0xac (44 | 0x80), 0x02 (3)
  //   | 19 <fixed64 1000 LE>: tag (3<<3)|1 = 0x19 (9) | 22 01 "t" (3) | 28 01 (WEBSOCKET) (2) | 32 02 "c1" (4)
  const LIVENESS_HEX = `0a0467772d31 1227 0a10 ${UID_HEX} 10ac02 19e803000000000000 220174 2801 32026331`;

  it('encodes and decodes the AgentLivenessBatch vector', () => {
    const batch = {
      gatewayId: 'gw-1',
      agents: [
        {
          instanceUid: UID,
          sequenceNum: Long.fromInt(300, true),
          seenAtUnixNano: Long.fromInt(1000, true),
          tenantId: 't',
          transport: Transport.TRANSPORT_WEBSOCKET,
          connectionId: 'c1',
        },
      ],
    };
    expect(toHex(encodeAgentLivenessBatch(batch))).toBe(squash(LIVENESS_HEX));
    const decoded = decodeAgentLivenessBatch(fromHex(LIVENESS_HEX));
    expect(decoded.gatewayId).toBe('gw-1');
    expect(decoded.agents).toHaveLength(1);
    const [entry] = decoded.agents;
    expect(toHex(entry!.instanceUid!)).toBe(UID_HEX);
    expect([String(entry!.sequenceNum), String(entry!.seenAtUnixNano)]).toEqual(['300', '1000']);
    expect([entry!.tenantId, entry!.transport, entry!.connectionId]).toEqual(['t', Transport.TRANSPORT_WEBSOCKET, 'c1']);
  });

  // ServerToAgentDelivery: 0a 10 <uid> | 12 02 <ServerToAgent bytes 30 01 = flags ReportFullState>
  //   | 18 05 (FLAGS) | 21 <fixed64 1000 = 0x3e8 LE: e8 03 00..>: tag (4<<3)|1 = 0x21 | 2a 01 "r" | 32 01 "t"
  const DELIVERY_HEX = `0a10 ${UID_HEX} 12023001 1805 21e803000000000000 2a0172 320174`;

  it('encodes and decodes the ServerToAgentDelivery vector', () => {
    const delivery = {
      instanceUid: UID,
      serverToAgent: Uint8Array.from([0x30, 0x01]),
      kind: DeliveryKind.DELIVERY_KIND_FLAGS,
      issuedAtUnixNano: Long.fromInt(1000, true),
      correlationId: 'r',
      tenantId: 't',
    };
    expect(toHex(encodeServerToAgentDelivery(delivery))).toBe(squash(DELIVERY_HEX));
    const decoded = decodeServerToAgentDelivery(fromHex(DELIVERY_HEX));
    expect(decoded.kind).toBe(DeliveryKind.DELIVERY_KIND_FLAGS);
    expect(decoded.issuedAtUnixNano.toNumber()).toBe(1000);
    expect(decodeServerToAgent(decoded.serverToAgent).flags.toString()).toBe('1');
  });

  // ServerToAgentMulticast: 0a 10 <uid> | 0a 10 <uid2> (repeated bytes: one field each)
  //   | 12 02 <ServerToAgent bytes 30 01> | 18 01 (REMOTE_CONFIG) | 21 <fixed64 1000 LE> | 2a 01 "r" | 32 01 "t"
  const UID2_HEX = 'ff'.repeat(16);
  const MULTICAST_HEX = `0a10 ${UID_HEX} 0a10 ${UID2_HEX} 12023001 1801 21e803000000000000 2a0172 320174`;

  it('encodes and decodes the ServerToAgentMulticast vector and a DeliveryReceipt', () => {
    const multicast = {
      instanceUids: [UID, fromHex(UID2_HEX)],
      serverToAgent: Uint8Array.from([0x30, 0x01]),
      kind: DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG,
      issuedAtUnixNano: Long.fromInt(1000, true),
      correlationId: 'r',
      tenantId: 't',
    };
    expect(toHex(encodeServerToAgentMulticast(multicast))).toBe(squash(MULTICAST_HEX));
    const decoded = decodeServerToAgentMulticast(fromHex(MULTICAST_HEX));
    expect(decoded.instanceUids.map(toHex)).toEqual([UID_HEX, UID2_HEX]);
    expect([decoded.kind, decoded.issuedAtUnixNano.toNumber(), decoded.correlationId, decoded.tenantId]).toEqual([DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG, 1000, 'r', 't']);
    // DeliveryReceipt: 0a 10 <uid2>
    expect(toHex(encodeDeliveryReceipt({ undeliveredUids: [fromHex(UID2_HEX)] }))).toBe(`0a10${UID2_HEX}`);
    expect(decodeDeliveryReceipt(fromHex(`0a10${UID2_HEX}`)).undeliveredUids.map(toHex)).toEqual([UID2_HEX]);
  });
});
