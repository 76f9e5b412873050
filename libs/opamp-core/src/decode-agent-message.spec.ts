import { encodeAgentToServer, encodeWsFrame, ServerErrorResponseType, uidToString } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import { onWire, uid } from './core.test-helpers.js';
import { decodeAgentFrame, decodeAgentPayload, MalformedAgentMessageError } from './index.js';

describe('decodeAgentPayload / decodeAgentFrame', () => {
  it('decodes a framed AgentToServer and gives its uid as canonical text', () => {
    // wire-facts §7.6, §7.8
    const id = uid();
    const d = decodeAgentFrame(encodeWsFrame(encodeAgentToServer({ instanceUid: id })));
    expect(d.ok && d.uid).toBe(uidToString(id));
    expect(d.ok && Buffer.from(d.payload)).toEqual(Buffer.from(encodeAgentToServer({ instanceUid: id })));
  });

  it('answers undecodable bytes with BadRequest and an empty uid', () => {
    // wire-facts §7.36
    const d = decodeAgentPayload(Uint8Array.from([0x0a, 0xff]));
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.error).toBeInstanceOf(MalformedAgentMessageError);
    const wire = onWire(d.reply);
    expect(wire.errorResponse!.type).toBe(ServerErrorResponseType.ServerErrorResponseType_BadRequest);
    expect(wire.errorResponse!.errorMessage).toMatch(/^undecodable AgentToServer: /);
    expect(wire.instanceUid).toHaveLength(0);
  });

  it('rejects a non-zero WebSocket header as malformed', () => {
    // wire-facts §7.7
    const d = decodeAgentFrame(Uint8Array.from([0x05, 0x0a]));
    expect(!d.ok && onWire(d.reply).errorResponse!.errorMessage).toMatch(/bad WebSocket message header: .*header is 5/);
  });

  it('reads zero data bytes as an empty AgentToServer, which then lacks a uid', () => {
    // wire-facts §7.8
    const d = decodeAgentFrame(Uint8Array.from([0x00]));
    expect(!d.ok && onWire(d.reply).errorResponse!.errorMessage).toBe('instance_uid must be 16 bytes, got 0');
  });

  it('echoes a uid of the wrong length in the BadRequest answer', () => {
    // wire-facts §7.20, §7.36
    const d = decodeAgentPayload(encodeAgentToServer({ instanceUid: Uint8Array.from([9, 9]) }));
    expect(d.ok).toBe(false);
    expect(!d.ok && Buffer.from(onWire(d.reply).instanceUid)).toEqual(Buffer.from([9, 9]));
  });
});
