import { describe, expect, it } from 'vitest';
import { InvalidInstanceUidError } from './errors.js';
import { isValidUid, newInstanceUid, uidFromString, uidToString } from './uuid.js';

describe('instance uids', () => {
  it('generates UUID v7: 48-bit ms timestamp, version nibble 7, variant 10 (wire-facts §6.4)', () => {
    // RFC 9562 appendix A.6 example: 017F22E2-79B0-7CC3-98C4-DC0C0C07398F, unix ms 0x017F22E279B0
    const uid = newInstanceUid(0x017f22e279b0);
    expect(uid).toHaveLength(16);
    expect(Buffer.from(uid.subarray(0, 6)).toString('hex')).toBe('017f22e279b0');
    expect(uid[6]! >> 4).toBe(7);
    expect(uid[8]! >> 6).toBe(0b10);
    expect(uidToString(uid)).toMatch(/^017f22e2-79b0-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('stamps the current time and never repeats', () => {
    const before = Date.now();
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) seen.add(uidToString(newInstanceUid()));
    expect(seen.size).toBe(1000);
    const ms = Number.parseInt([...seen][0]!.replaceAll('-', '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now());
  });

  it('formats 16 bytes as canonical lowercase 8-4-4-4-12 and parses it back', () => {
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => (i * 17) & 0xff);
    const text = uidToString(Uint8Array.from({ length: 16 }, (_, i) => i + 1));
    expect(text).toBe('01020304-0506-0708-090a-0b0c0d0e0f10');
    expect(uidFromString(uidToString(bytes))).toEqual(bytes);
    expect(uidFromString('017F22E2-79B0-7CC3-98C4-DC0C0C07398F')).toEqual(uidFromString('017f22e2-79b0-7cc3-98c4-dc0c0c07398f'));
  });

  it('rejects anything that is not 16 bytes or canonical text', () => {
    expect(() => uidToString(new Uint8Array(15))).toThrow(InvalidInstanceUidError);
    for (const text of [
      '017f22e279b07cc398c4dc0c0c07398f',
      '{017f22e2-79b0-7cc3-98c4-dc0c0c07398f}',
      'urn:uuid:017f22e2-79b0-7cc3-98c4-dc0c0c07398f',
      '017f22e2-79b0-7cc3-98c4-dc0c0c07398',
      '017f22e2-79b0-7cc3-98c4-dc0c0c07398g',
      '',
    ]) {
      expect(() => uidFromString(text), text).toThrow(InvalidInstanceUidError);
    }
    expect(() => uidFromString(42 as unknown as string)).toThrow(InvalidInstanceUidError);
  });

  it('validates uids by length only', () => {
    expect(isValidUid(new Uint8Array(16))).toBe(true);
    expect(isValidUid(Buffer.alloc(16))).toBe(true);
    expect(isValidUid(new Uint8Array(17))).toBe(false);
    expect(isValidUid('01020304-0506-0708-090a-0b0c0d0e0f10')).toBe(false);
    expect(isValidUid(undefined)).toBe(false);
  });
});
