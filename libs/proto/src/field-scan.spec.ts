import { describe, expect, it } from 'vitest';
import { encodeServerToAgent } from './codec.js';
import { encodeUint64Field, scanTopLevelFields } from './field-scan.js';
import { toLong } from './uint64.js';

const UID = Uint8Array.from({ length: 16 }, (_, i) => i + 1);

describe('scanTopLevelFields', () => {
  it('lists the top-level fields with the place of each value, without looking inside', () => {
    const bytes = encodeServerToAgent({ instanceUid: UID, remoteConfig: { configHash: Uint8Array.of(9, 9) }, flags: toLong(1n) });
    const fields = scanTopLevelFields(bytes)!;
    expect(fields.map((f) => [f.field, f.wireType])).toEqual([
      [1, 2],
      [3, 2],
      [6, 0],
    ]);
    expect(Buffer.from(bytes.subarray(fields[0]!.start, fields[0]!.end))).toEqual(Buffer.from(UID));
    expect(fields[2]!.end).toBe(bytes.length);
  });

  it('refuses what is not well formed at the top level', () => {
    expect(scanTopLevelFields(Uint8Array.of(0x0a, 0x05, 0x01))).toBeUndefined(); // length past the end
    expect(scanTopLevelFields(Uint8Array.of(0x00, 0x01))).toBeUndefined(); // field 0
    expect(scanTopLevelFields(Uint8Array.of(0x0b))).toBeUndefined(); // a group
    expect(scanTopLevelFields(Uint8Array.of(0x08, 0x80))).toBeUndefined(); // truncated varint
    expect(scanTopLevelFields(new Uint8Array())).toEqual([]);
  });
});

describe('encodeUint64Field', () => {
  it('appends to an encoded message what the encoder writes for that field', () => {
    const caps = 0x1807n;
    const appended = Buffer.concat([encodeServerToAgent({ instanceUid: UID }), encodeUint64Field(7, caps)]);
    expect(appended).toEqual(Buffer.from(encodeServerToAgent({ instanceUid: UID, capabilities: toLong(caps) })));
    // 64-bit values survive: bit 63 set.
    expect(Buffer.from(encodeUint64Field(6, 1n << 63n)).toString('hex')).toBe('3080808080808080808001');
  });

  it('refuses a field number protobuf cannot carry', () => {
    expect(() => encodeUint64Field(0, 1n)).toThrow(RangeError);
  });
});
