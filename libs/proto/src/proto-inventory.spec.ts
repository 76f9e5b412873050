// Checks the .proto sources against the wire-facts tables (§1-§5) using
// protobufjs reflection on the files themselves, not on generated code.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { ANYVALUE_MESSAGES, ENUM_VALUES, INVENTORY_NAMES, MESSAGE_FIELDS } from './wire-facts.test-helpers.js';

const PROTO_DIR = fileURLToPath(new URL('../proto/', import.meta.url));
const OPAMP_FILES = ['opamp/v1/opamp.proto', 'opamp/v1/anyvalue.proto'];
const BUS_FILE = 'shepherd/bus/v1/envelopes.proto';

function loadRoot(files: readonly string[]): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(PROTO_DIR, target));
  root.loadSync([...files], { keepCase: true });
  root.resolveAll();
  return root;
}

function describeField(field: protobuf.Field): string {
  const type = field.resolvedType?.name ?? field.type;
  let label = '-';
  if (field instanceof protobuf.MapField) label = `map<${field.keyType}>`;
  else if (field.repeated) label = 'repeated';
  else if (field.partOf) label = `oneof:${field.partOf.name}`;
  return `${field.id} ${field.name} ${type} ${label}`;
}

function fieldsOf(type: protobuf.Type): string[] {
  return [...type.fieldsArray].sort((a, b) => a.id - b.id).map(describeField);
}

const root = loadRoot(OPAMP_FILES);
const v1 = root.lookup('opamp.proto.v1') as protobuf.Namespace;
const messages = v1.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type);
const enums = v1.nestedArray.filter((n): n is protobuf.Enum => n instanceof protobuf.Enum);

describe('opamp.proto.v1 inventory (wire-facts §5 "Inventory check")', () => {
  it('declares exactly the 41 messages and 10 enums of the sheet', () => {
    expect(new Set(INVENTORY_NAMES).size).toBe(51);
    expect(messages).toHaveLength(41);
    expect(enums).toHaveLength(10);
    expect(v1.nestedArray.map((n) => n.name).sort()).toEqual([...INVENTORY_NAMES].sort());
    expect(messages.map((m) => m.name).sort()).toEqual(Object.keys(MESSAGE_FIELDS).sort());
    expect(enums.map((e) => e.name).sort()).toEqual(Object.keys(ENUM_VALUES).sort());
  });

  it('puts 37 messages and 10 enums in opamp.proto and 4 messages in anyvalue.proto', () => {
    const inFile = (suffix: string) => v1.nestedArray.filter((n) => n.filename?.endsWith(suffix));
    expect(inFile('anyvalue.proto').map((n) => n.name).sort()).toEqual([...ANYVALUE_MESSAGES].sort());
    const opampTypes = inFile('opamp/v1/opamp.proto');
    expect(opampTypes.filter((n) => n instanceof protobuf.Type)).toHaveLength(37);
    expect(opampTypes.filter((n) => n instanceof protobuf.Enum)).toHaveLength(10);
  });

  it('declares everything at top level, without optional or reserved', () => {
    for (const message of messages) {
      expect(message.nestedArray, message.name).toHaveLength(0);
      expect(message.reserved ?? [], message.name).toHaveLength(0);
      for (const field of message.fieldsArray) expect(field.options?.proto3_optional, field.name).toBeUndefined();
    }
  });

  it('matches AgentToServer fields 1..15 (wire-facts §1)', () => {
    const fields = fieldsOf(root.lookupType('opamp.proto.v1.AgentToServer'));
    expect(fields.map((f) => Number(f.split(' ')[0]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(fields).toEqual(MESSAGE_FIELDS.AgentToServer);
    expect(fields[1]).toBe('2 sequence_num uint64 -');
    expect(fields[3]).toBe('4 capabilities uint64 -');
    expect(fields[8]).toBe('9 agent_disconnect AgentDisconnect -');
  });

  it('matches ServerToAgent fields 1..11 (wire-facts §1)', () => {
    const fields = fieldsOf(root.lookupType('opamp.proto.v1.ServerToAgent'));
    expect(fields.map((f) => Number(f.split(' ')[0]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(fields).toEqual(MESSAGE_FIELDS.ServerToAgent);
    expect(fields[5]).toBe('6 flags uint64 -');
    expect(fields[6]).toBe('7 capabilities uint64 -');
  });

  it('matches every field of every message (number, name, type, label, oneof, map)', () => {
    for (const message of messages) {
      expect(fieldsOf(message), message.name).toEqual(MESSAGE_FIELDS[message.name]);
    }
  });

  it('matches every enum value (wire-facts §5)', () => {
    for (const e of enums) expect(e.values, e.name).toEqual(ENUM_VALUES[e.name]);
  });

  it('carries the go_package and csharp_namespace options and the v1 import path', () => {
    expect(v1.options).toMatchObject({
      go_package: 'github.com/open-telemetry/opamp-go/protobufs',
      csharp_namespace: 'OpAmp.Proto.V1',
    });
    const opampText = readFileSync(join(PROTO_DIR, 'opamp/v1/opamp.proto'), 'utf8');
    const anyText = readFileSync(join(PROTO_DIR, 'opamp/v1/anyvalue.proto'), 'utf8');
    expect(opampText).toMatch(/^import "opamp\/v1\/anyvalue\.proto";$/m);
    for (const text of [opampText, anyText]) {
      expect(text).toMatch(/^syntax = "proto3";$/m);
      expect(text).toMatch(/^package opamp\.proto\.v1;$/m);
      expect(text).toMatch(/^option go_package = "github\.com\/open-telemetry\/opamp-go\/protobufs";$/m);
      expect(text).toMatch(/^option csharp_namespace = "OpAmp\.Proto\.V1";$/m);
    }
  });
});

describe('shepherd.bus.v1 envelopes', () => {
  const busRoot = loadRoot([BUS_FILE]);

  it('declares the envelopes with the agreed fields', () => {
    expect(fieldsOf(busRoot.lookupType('shepherd.bus.v1.AgentMessageEnvelope'))).toEqual([
      '1 gateway_id string -',
      '2 received_at_unix_nano fixed64 -',
      '3 transport Transport -',
      '4 tenant_id string -',
      '5 principal string -',
      '6 instance_uid bytes -',
      '7 connection_id string -',
      '8 agent_to_server bytes -',
    ]);
    expect(fieldsOf(busRoot.lookupType('shepherd.bus.v1.AgentConnectionEvent'))).toEqual([
      '1 instance_uid bytes -',
      '2 gateway_id string -',
      '3 tenant_id string -',
      '4 transport Transport -',
      '5 connection_id string -',
      '6 kind ConnectionEventKind -',
      '7 at_unix_nano fixed64 -',
      '8 reason string -',
    ]);
    expect(fieldsOf(busRoot.lookupType('shepherd.bus.v1.AgentLiveness'))).toEqual([
      '1 instance_uid bytes -',
      '2 sequence_num uint64 -',
      '3 seen_at_unix_nano fixed64 -',
      '4 tenant_id string -',
      '5 transport Transport -',
      '6 connection_id string -',
    ]);
    expect(fieldsOf(busRoot.lookupType('shepherd.bus.v1.AgentLivenessBatch'))).toEqual(['1 gateway_id string -', '2 agents AgentLiveness repeated']);
    expect(fieldsOf(busRoot.lookupType('shepherd.bus.v1.ServerToAgentMulticast'))).toEqual([
      '1 instance_uids bytes repeated',
      '2 server_to_agent bytes -',
      '3 kind DeliveryKind -',
      '4 issued_at_unix_nano fixed64 -',
      '5 correlation_id string -',
      '6 tenant_id string -',
    ]);
    expect(fieldsOf(busRoot.lookupType('shepherd.bus.v1.DeliveryReceipt'))).toEqual(['1 undelivered_uids bytes repeated']);
    expect(fieldsOf(busRoot.lookupType('shepherd.bus.v1.ServerToAgentDelivery'))).toEqual([
      '1 instance_uid bytes -',
      '2 server_to_agent bytes -',
      '3 kind DeliveryKind -',
      '4 issued_at_unix_nano fixed64 -',
      '5 correlation_id string -',
      '6 tenant_id string -',
    ]);
  });

  it('declares the bus enums with UNSPECIFIED = 0', () => {
    expect(busRoot.lookupEnum('shepherd.bus.v1.Transport').values).toEqual({
      TRANSPORT_UNSPECIFIED: 0,
      TRANSPORT_WEBSOCKET: 1,
      TRANSPORT_HTTP: 2,
    });
    expect(busRoot.lookupEnum('shepherd.bus.v1.ConnectionEventKind').values).toEqual({
      CONNECTION_EVENT_KIND_UNSPECIFIED: 0,
      CONNECTION_EVENT_KIND_CONNECTED: 1,
      CONNECTION_EVENT_KIND_DISCONNECTED: 2,
    });
    expect(busRoot.lookupEnum('shepherd.bus.v1.DeliveryKind').values).toEqual({
      DELIVERY_KIND_UNSPECIFIED: 0,
      DELIVERY_KIND_REMOTE_CONFIG: 1,
      DELIVERY_KIND_CONNECTION_SETTINGS: 2,
      DELIVERY_KIND_PACKAGES: 3,
      DELIVERY_KIND_COMMAND: 4,
      DELIVERY_KIND_FLAGS: 5,
      DELIVERY_KIND_CUSTOM_MESSAGE: 6,
      DELIVERY_KIND_ERROR: 7,
    });
  });
});
