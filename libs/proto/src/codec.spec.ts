import Long from 'long';
import { describe, expect, it } from 'vitest';
import {
  decodeAgentConnectionEvent,
  decodeAgentMessageEnvelope,
  decodeAgentToServer,
  decodeServerToAgent,
  decodeServerToAgentDelivery,
  encodeAgentToServer,
  encodeServerToAgent,
} from './codec.js';
import { ProtoDecodeError, ProtoEncodeError } from './errors.js';
import { opamp, type IAgentToServer, type IServerToAgent } from './messages.js';
import { UID, errorServerToAgent, fullAgentToServer, fullServerToAgent } from './sample-messages.test-helpers.js';

// defaults: true because proto3 does not send zero scalars (healthy=false, type=0...).
const NORMALISE = { longs: String, bytes: String, defaults: true, oneofs: true } as const;
const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

/** Deterministic PRNG (mulberry32) so a failing fuzz case can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `decode` and classifies the outcome; anything but ProtoDecodeError fails the test. */
function outcome(decode: (b: Uint8Array) => unknown, bytes: Uint8Array): 'ok' | 'rejected' {
  try {
    decode(bytes);
    return 'ok';
  } catch (err) {
    if (!(err instanceof ProtoDecodeError)) throw new Error(`non-ProtoDecodeError for ${Buffer.from(bytes).toString('hex')}`, { cause: err });
    expect(err.code).toBe('PROTO_DECODE_FAILED');
    expect(err.kind).toBe('invalid_argument');
    return 'rejected';
  }
}

function decodeError(decode: (b: Uint8Array) => unknown, bytes: Uint8Array): ProtoDecodeError {
  try {
    decode(bytes);
  } catch (err) {
    if (err instanceof ProtoDecodeError) return err;
    throw err;
  }
  throw new Error('expected a ProtoDecodeError');
}

/** Length-delimited field: tag byte, one-byte length, payload. */
const ld = (tag: number, payload: Uint8Array): Uint8Array => Uint8Array.from([tag, payload.length, ...payload]);

describe('codec round trips', () => {
  it('round-trips a fully populated AgentToServer (every field, nested health map, every AnyValue kind)', () => {
    const input: IAgentToServer = fullAgentToServer();
    const decoded = decodeAgentToServer(encodeAgentToServer(input));
    expect(opamp.AgentToServer.toObject(decoded, NORMALISE)).toEqual(
      opamp.AgentToServer.toObject(opamp.AgentToServer.create(input), NORMALISE),
    );
    expect(Object.keys(decoded)).toHaveLength(15);
    const nested = decoded.health?.componentHealthMap?.['pipeline:traces']?.componentHealthMap?.['receiver:otlp'];
    expect(nested?.status).toBe('ok');
    const attrs = decoded.agentDescription?.identifyingAttributes ?? [];
    expect(attrs.map((kv) => opamp.AnyValue.toObject(opamp.AnyValue.create(kv.value ?? {}), { oneofs: true }).value)).toEqual([
      'stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue', undefined,
    ]);
    expect(Long.isLong(attrs[2]?.value?.intValue)).toBe(true);
    expect(String(attrs[2]?.value?.intValue)).toBe('-9223372036854775808');
    expect(decoded.packageStatuses?.packages?.agent?.downloadDetails?.downloadBytesPerSecond).toBe(1048576.25);
    expect(decoded.agentDisconnect).toBeDefined();
  });

  it('round-trips a ServerToAgent with remote config, connection settings offers, packages and command', () => {
    const input: IServerToAgent = fullServerToAgent();
    const decoded = decodeServerToAgent(encodeServerToAgent(input));
    expect(opamp.ServerToAgent.toObject(decoded, NORMALISE)).toEqual(
      opamp.ServerToAgent.toObject(opamp.ServerToAgent.create(input), NORMALISE),
    );
    expect(Buffer.from(decoded.connectionSettings?.opamp?.certificate?.cert ?? []).toString()).toBe('CERT');
    expect(decoded.connectionSettings?.otherConnections?.kafka?.otherSettings).toEqual({ acks: 'all', '': 'empty-key' });
    expect(String(decoded.connectionSettings?.opamp?.heartbeatIntervalSeconds)).toBe('30');
    expect(Object.keys(decoded.packagesAvailable?.packages ?? {})).toEqual(['', 'wasm']);
    // wire-facts §6.13: Restart is 0, so the command is present but its type is the default.
    expect(decoded.command).toBeDefined();
    expect(decoded.command?.type ?? 0).toBe(opamp.CommandType.CommandType_Restart);
  });

  it('round-trips an error_response with retry_info in the Details oneof', () => {
    const decoded = decodeServerToAgent(encodeServerToAgent(errorServerToAgent()));
    expect(decoded.errorResponse?.type).toBe(opamp.ServerErrorResponseType.ServerErrorResponseType_Unavailable);
    expect(decoded.errorResponse?.Details).toBe('retryInfo');
    expect(String(decoded.errorResponse?.retryInfo?.retryAfterNanoseconds)).toBe('30000000000');
  });

  it('decodes zero bytes as an empty AgentToServer (wire-facts §7.8)', () => {
    const decoded = decodeAgentToServer(new Uint8Array(0));
    expect(Object.keys(decoded)).toEqual([]);
    expect(Long.isLong(decoded.sequenceNum)).toBe(true);
  });

  it('ignores unknown fields from newer peers (wire-facts §7.35)', () => {
    // field 31 varint 5, field 100 length-delimited "x", then instance_uid
    const bytes = Uint8Array.from([0xf8, 0x01, 0x05, 0xa2, 0x06, 0x01, 0x78, ...ld(0x0a, UID)]);
    expect(Uint8Array.from(decodeAgentToServer(bytes).instanceUid)).toEqual(UID);
  });
});

describe('codec rejects garbage with ProtoDecodeError only', () => {
  const decoders = [
    decodeAgentToServer,
    decodeServerToAgent,
    decodeAgentMessageEnvelope,
    decodeAgentConnectionEvent,
    decodeServerToAgentDelivery,
  ];

  it('never throws anything else for 5000 random buffers per decoder', () => {
    const random = prng(0x5eed);
    const counts = { ok: 0, rejected: 0 };
    for (let i = 0; i < 5000; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256));
      for (const decode of decoders) counts[outcome(decode, bytes)]++;
    }
    expect(counts.rejected).toBeGreaterThan(1000);
    expect(counts.ok).toBeGreaterThan(0);
  });

  it('never throws anything else for 3000 mutations of a valid AgentToServer', () => {
    const valid = encodeAgentToServer(fullAgentToServer());
    const random = prng(42);
    const counts = { ok: 0, rejected: 0 };
    for (let i = 0; i < 3000; i++) {
      const bytes = Uint8Array.from(valid);
      for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) {
        bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      }
      counts[outcome(decodeAgentToServer, bytes)]++;
    }
    expect(counts.rejected).toBeGreaterThan(100);
  });

  it('rejects or cleanly decodes every truncation of a valid message', () => {
    const valid = encodeServerToAgent(fullServerToAgent());
    let rejected = 0;
    for (let n = 0; n < valid.length; n++) if (outcome(decodeServerToAgent, valid.subarray(0, n)) === 'rejected') rejected++;
    expect(rejected).toBeGreaterThan(valid.length / 2);
    const cutUid = decodeError(decodeAgentToServer, encodeAgentToServer({ instanceUid: UID }).subarray(0, 10));
    expect(cutUid.cause).toBeInstanceOf(RangeError);
    expect(cutUid.message).toMatch(/^AgentToServer: index out of range/);
  });

  it('rejects a known field with the wrong wire type', () => {
    expect(decodeError(decodeAgentToServer, hex('08 01')).message).toMatch(/instanceUid: wire type 0, expected 2/);
    expect(decodeError(decodeAgentToServer, hex('12 01 00')).message).toMatch(/sequenceNum: wire type 2, expected 0/);
    expect(decodeError(decodeAgentToServer, hex('25 00000000')).message).toMatch(/capabilities: wire type 5/);
    // health (5) { healthy (1) sent as length-delimited }
    expect(decodeError(decodeAgentToServer, hex('2a 03 0a 01 01')).message).toMatch(/ComponentHealth.healthy: wire type 2/);
    // ComponentHealth.start_time_unix_nano is fixed64: a varint is wrong
    expect(decodeError(decodeAgentToServer, hex('2a 02 10 01')).message).toMatch(/startTimeUnixNano: wire type 0, expected 1/);
    // effective_config.config_map.config_map entry whose value is a varint
    expect(decodeError(decodeAgentToServer, hex('32 06 0a 04 0a 02 10 01')).message).toMatch(/configMap.value: wire type 0/);
  });

  it('rejects invalid wire types 6 and 7 and a stray end-group with the protobufjs error as cause', () => {
    // unknown field 31 with wire types 6, 7 and 4: only protobufjs' skipType sees them
    for (const bytes of [hex('fe 01'), hex('ff 01'), hex('fc 01')]) {
      const err = decodeError(decodeAgentToServer, bytes);
      expect(err.cause).toBeInstanceOf(Error);
      expect(err.cause).not.toBeInstanceOf(ProtoDecodeError);
    }
  });

  it('rejects invalid UTF-8 in string fields, at any depth', () => {
    // custom_message (13) { capability (1) = ff fe }
    expect(decodeError(decodeAgentToServer, hex('6a 04 0a 02 ff fe')).message).toMatch(/CustomMessage.capability: invalid UTF-8/);
    // agent_description (3) { identifying_attributes (1) { key (1) = c3 } }
    expect(decodeError(decodeAgentToServer, hex('1a 05 0a 03 0a 01 c3')).message).toMatch(/KeyValue.key: invalid UTF-8/);
    expect(decodeError(decodeAgentMessageEnvelope, hex('0a 01 80')).message).toMatch(/gatewayId: invalid UTF-8/);
  });

  it('rejects field number 0', () => {
    expect(decodeError(decodeAgentToServer, hex('00 00')).message).toMatch(/field number 0/);
  });

  it('rejects nesting deeper than 100 levels instead of overflowing the stack', () => {
    // AnyValue{array_value (tag 0x2a): ArrayValue{values (tag 0x0a): AnyValue{...}}}, 150 times
    let anyValue: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 150; i++) anyValue = field(0x2a, field(0x0a, anyValue));
    // agent_description (0x1a) { identifying_attributes (0x0a) { value (0x12): anyValue } }
    const bytes = field(0x1a, field(0x0a, field(0x12, anyValue)));
    expect(decodeError(decodeAgentToServer, bytes).message).toMatch(/deeper than 100/);
  });

  it('rejects input that is not bytes', () => {
    expect(() => decodeAgentToServer('0a00' as unknown as Uint8Array)).toThrow(ProtoDecodeError);
    expect(() => decodeServerToAgent(undefined as unknown as Uint8Array)).toThrow(ProtoDecodeError);
  });
});

describe('codec encode checks', () => {
  it('throws ProtoEncodeError for a value of the wrong type, naming the field', () => {
    expect(() => encodeAgentToServer({ sequenceNum: 'abc' } as unknown as IAgentToServer)).toThrow(
      /^AgentToServer: sequenceNum: integer\|Long expected$/,
    );
    expect(() => encodeServerToAgent({ errorResponse: { type: 'x' } } as unknown as IServerToAgent)).toThrow(ProtoEncodeError);
    expect(() => encodeAgentToServer(null as unknown as IAgentToServer)).toThrow(ProtoEncodeError);
  });

  it('reports the ProtoEncodeError code and kind', () => {
    try {
      encodeServerToAgent({ instanceUid: 5 } as unknown as IServerToAgent);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ProtoEncodeError);
      expect((err as ProtoEncodeError).code).toBe('PROTO_ENCODE_FAILED');
      expect((err as ProtoEncodeError).kind).toBe('invalid_argument');
    }
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/** A length-delimited field with any payload size: tag byte, varint length, payload. */
function field(tag: number, payload: Uint8Array): Uint8Array {
  return Uint8Array.from([tag, ...varint(payload.length), ...payload]);
}
