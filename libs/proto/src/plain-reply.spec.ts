import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeServerToAgent, encodeServerToAgent } from './codec.js';
import { ProtoEncodeError } from './errors.js';
import { encodePlainServerToAgent } from './plain-reply.js';
import { toBigInt, toLong } from './uint64.js';

describe('encodePlainServerToAgent', () => {
  it('gives exactly the bytes protobufjs encodes, for any uid and capabilities', () => {
    for (const capabilities of [0x7fn, 0n, 1n, 0x1234_5678_9abcn, 0x7fn]) {
      for (let i = 0; i < 50; i += 1) {
        const uid = new Uint8Array(randomBytes(16));
        const fast = encodePlainServerToAgent(uid, capabilities);
        expect(Buffer.from(fast)).toEqual(Buffer.from(encodeServerToAgent({ instanceUid: uid, capabilities: toLong(capabilities) })));
        const back = decodeServerToAgent(fast);
        expect(Buffer.from(back.instanceUid)).toEqual(Buffer.from(uid));
        expect(toBigInt(back.capabilities)).toBe(capabilities);
      }
    }
  });

  it('never shares bytes between replies', () => {
    const a = encodePlainServerToAgent(new Uint8Array(16).fill(1), 3n);
    const b = encodePlainServerToAgent(new Uint8Array(16).fill(2), 3n);
    expect(Buffer.from(a)).not.toEqual(Buffer.from(b));
    expect(decodeServerToAgent(a).instanceUid[0]).toBe(1);
  });

  it('refuses a uid that is not 16 bytes', () => {
    expect(() => encodePlainServerToAgent(new Uint8Array(15), 1n)).toThrow(ProtoEncodeError);
  });
});
