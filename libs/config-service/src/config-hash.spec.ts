import { describe, expect, it } from 'vitest';
import { validateConfigFiles } from './config-files.js';
import { canonicalConfigEncoding, configHash, hashToBytes, hashToHex } from './config-hash.js';
import { InvalidConfigError } from './errors.js';

const file = (name: string, contentType: string, body: string) => ({ name, contentType, body: Buffer.from(body, 'utf8') });

describe('canonicalConfigEncoding', () => {
  it('encodes each field as a 4-byte big-endian length plus its bytes', () => {
    const encoded = canonicalConfigEncoding([file('', 'text/yaml', 'a: 1\n')]);
    // Written out by hand: name "" (length 0), content type "text/yaml" (9), body "a: 1\n" (5).
    const expected = Buffer.concat([
      Buffer.from([0, 0, 0, 0]),
      Buffer.from([0, 0, 0, 9]),
      Buffer.from('text/yaml'),
      Buffer.from([0, 0, 0, 5]),
      Buffer.from('a: 1\n'),
    ]);
    expect(encoded.equals(expected)).toBe(true);
  });

  it('orders files by name bytes whatever order they come in', () => {
    const a = canonicalConfigEncoding([file('b.yaml', '', 'x'), file('a.yaml', 'text/yaml', 'y')]);
    const b = canonicalConfigEncoding([file('a.yaml', 'text/yaml', 'y'), file('b.yaml', '', 'x')]);
    expect(a.equals(b)).toBe(true);
    expect(a.subarray(4, 10).toString()).toBe('a.yaml');
  });

  it('refuses two files with the same name', () => {
    expect(() => canonicalConfigEncoding([file('a', '', '1'), file('a', '', '2')])).toThrow(InvalidConfigError);
  });
});

describe('configHash', () => {
  it('matches the hand-computed vector for one unnamed YAML file', () => {
    // printf '\x00\x00\x00\x00\x00\x00\x00\x09text/yaml\x00\x00\x00\x05a: 1\n' | sha256sum
    expect(configHash([file('', 'text/yaml', 'a: 1\n')])).toBe('0c4b501ebeb3ec0bed5747077d193f30129b156d96ac47bf4bd6a44436fb5450');
  });

  it('matches the hand-computed vector for two files given out of order', () => {
    // printf '\x00\x00\x00\x06a.yaml\x00\x00\x00\x09text/yaml\x00\x00\x00\x01y\x00\x00\x00\x06b.yaml\x00\x00\x00\x00\x00\x00\x00\x01x' | sha256sum
    expect(configHash([file('b.yaml', '', 'x'), file('a.yaml', 'text/yaml', 'y')])).toBe(
      'ed12e0fc3b2b14d5fb8f22325ba2b0b900f15ccd670d8d2d3c43eeee0e6d0805',
    );
  });

  it('differs when a byte moves between fields (length prefixes make the encoding injective)', () => {
    const a = configHash([file('ab', 'c', '')]);
    const b = configHash([file('a', 'bc', '')]);
    expect(a).not.toBe(b);
    expect(configHash([file('x', '', 'body')])).not.toBe(configHash([file('x', 'text/yaml', 'body')]));
  });

  it('hashes admin input the same as the equivalent bytes', () => {
    const files = validateConfigFiles([{ name: 'collector.yaml', contentType: 'text/yaml', body: 'receivers: {}\n' }]);
    expect(configHash(files)).toBe(configHash([file('collector.yaml', 'text/yaml', 'receivers: {}\n')]));
  });
});

describe('hash conversions', () => {
  it('turns hex into the 32 wire bytes and back', () => {
    const hex = '0c4b501ebeb3ec0bed5747077d193f30129b156d96ac47bf4bd6a44436fb5450';
    const bytes = hashToBytes(hex);
    expect(bytes).toHaveLength(32);
    expect(hashToHex(bytes)).toBe(hex);
  });

  it('reads an absent or empty reported hash as null', () => {
    expect(hashToHex(undefined)).toBeNull();
    expect(hashToHex(null)).toBeNull();
    expect(hashToHex(new Uint8Array())).toBeNull();
  });
});
