import protobuf from 'protobufjs/light.js';
import { describe, expect, it } from 'vitest';
import { decodeAgentToServer, encodeAgentToServer } from './codec.js';
import { WsFrameHeaderError } from './errors.js';
import descriptor from './generated/descriptor.js';
import { LEGACY_AGENT_TO_SERVER_FIRST_BYTES, decodeWsFrame, encodeWsFrame } from './ws-framing.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

function headerError(data: Uint8Array, opts?: { allowLegacy?: boolean }): WsFrameHeaderError {
  try {
    decodeWsFrame(data, opts);
  } catch (err) {
    if (err instanceof WsFrameHeaderError) return err;
    throw err;
  }
  throw new Error('expected a WsFrameHeaderError');
}

describe('ws framing', () => {
  it('frames a payload behind the single header byte 0x00 (wire-facts §7.6)', () => {
    // wire-facts §7.6: varint header 0 = the single byte 0x00, then the protobuf bytes
    expect(encodeWsFrame(bytes(0x0a, 0x01, 0x02))).toEqual(bytes(0x00, 0x0a, 0x01, 0x02));
    expect(encodeWsFrame(bytes())).toEqual(bytes(0x00));
  });

  it('strips header 0 and returns the payload (wire-facts §6.2)', () => {
    const payload = encodeAgentToServer({ instanceUid: new Uint8Array(16).fill(7) });
    const frame = encodeWsFrame(payload);
    const out = decodeWsFrame(frame);
    expect(Uint8Array.from(out)).toEqual(Uint8Array.from(payload));
    expect(out.buffer).toBe(frame.buffer); // a view, not a copy
    expect(Uint8Array.from(decodeAgentToServer(out).instanceUid)).toEqual(new Uint8Array(16).fill(7));
  });

  it('accepts header 0 with zero bytes of data as an empty AgentToServer (wire-facts §7.8)', () => {
    // wire-facts §7.8: data length = message length - header length; 0 bytes is a valid message
    const out = decodeWsFrame(bytes(0x00));
    expect(out).toHaveLength(0);
    expect(Object.keys(decodeAgentToServer(out))).toEqual([]);
  });

  it('accepts a header 0 written as a longer varint', () => {
    expect(decodeWsFrame(bytes(0x80, 0x00, 0x10, 0x01))).toEqual(bytes(0x10, 0x01));
  });

  it('rejects a non-zero header (wire-facts §7.7)', () => {
    // wire-facts §7.7: a header other than 0 makes the message malformed
    expect(headerError(bytes(0x01, 0x0a)).message).toMatch(/header is 1, expected 0/);
    expect(headerError(bytes(0x80, 0x01, 0x0a)).message).toMatch(/header is 128/);
    expect(headerError(bytes(0x01)).code).toBe('WS_FRAME_BAD_HEADER');
    expect(headerError(bytes(0x01)).kind).toBe('invalid_argument');
  });

  it('rejects truncated, overlong and missing headers', () => {
    expect(headerError(bytes(0x80)).message).toMatch(/truncated/);
    expect(headerError(bytes(0xff, 0xff)).message).toMatch(/truncated/);
    expect(headerError(new Uint8Array(11).fill(0x80)).message).toMatch(/longer than 10 bytes/);
    expect(headerError(bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)).message).toMatch(/exceeds 64 bits/);
    expect(headerError(bytes()).message).toMatch(/missing/);
  });

  it('accepts a legacy header-less frame that starts with an AgentToServer tag (0x0a)', () => {
    // wire-facts §6.2 interop note: opamp-go tolerates pre-2023 frames without the header
    const legacy = encodeAgentToServer({ instanceUid: new Uint8Array(16).fill(1) });
    expect(legacy[0]).toBe(0x0a);
    expect(decodeWsFrame(legacy)).toBe(legacy);
    expect(decodeWsFrame(bytes(0x10, 0x05))).toEqual(bytes(0x10, 0x05)); // sequence_num first
  });

  it('rejects legacy frames when allowLegacy is false', () => {
    expect(headerError(bytes(0x0a, 0x00), { allowLegacy: false }).message).toMatch(/header is 10/);
    expect(decodeWsFrame(bytes(0x00, 0x0a, 0x00), { allowLegacy: false })).toEqual(bytes(0x0a, 0x00));
  });

  it('rejects a legacy-looking frame whose first byte is not a valid AgentToServer tag', () => {
    expect(() => decodeWsFrame(bytes(0x08, 0x01))).toThrow(WsFrameHeaderError); // field 1 as varint: wrong wire type
    expect(() => decodeWsFrame(bytes(0x12, 0x00))).toThrow(WsFrameHeaderError); // field 2 as bytes: wrong wire type
    expect(() => decodeWsFrame(bytes(0x7b))).toThrow(WsFrameHeaderError); // field 15, wire type 3
  });

  it('derives the legacy first-byte table from the AgentToServer descriptor', () => {
    const type = descriptor.lookupType('opamp.proto.v1.AgentToServer');
    const expected = type.fieldsArray
      .filter((f) => f.id <= 15)
      .map((f) => {
        const basic = (protobuf.types.basic as Record<string, number | undefined>)[f.type];
        return (f.id << 3) | (basic ?? 2);
      });
    expect([...LEGACY_AGENT_TO_SERVER_FIRST_BYTES].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
  });
});
