import { describe, expect, it } from 'vitest';
import { MAX_CONFIG_BYTES, MAX_CONFIG_FILES, fromStoredFile, toStoredFile, validateConfigFiles } from './config-files.js';
import { InvalidConfigError } from './errors.js';

describe('validateConfigFiles', () => {
  it('returns the files as UTF-8 bytes sorted by name', () => {
    const files = validateConfigFiles([
      { name: 'z.yaml', contentType: 'text/yaml', body: 'z: 1' },
      { name: 'a.yaml', contentType: '', body: 'ä: 2' },
    ]);
    expect(files.map((f) => f.name)).toEqual(['a.yaml', 'z.yaml']);
    expect(Buffer.from(files[0]!.body).toString('utf8')).toBe('ä: 2');
  });

  it.each([
    [[], /at least one file/],
    [[{ name: 'a', contentType: '', body: '' }, { name: 'a', contentType: '', body: '' }], /"a" appears twice/],
    [[{ name: 'a', contentType: 'text/\u0001', body: '' }], /contentType must be printable ASCII/],
    [[{ name: 'a', contentType: '', body: 'x\ud800' }], /well-formed/],
    [[{ name: 'n'.repeat(257), contentType: '', body: '' }], /at most 256 characters/],
    [[{ name: 'a', contentType: '', body: 7 }], /body must be well-formed text/],
  ])('refuses %j', (files, message) => {
    expect(() => validateConfigFiles(files as never)).toThrow(InvalidConfigError);
    expect(() => validateConfigFiles(files as never)).toThrow(message);
  });

  it('refuses a file under the reserved signature entry name', () => {
    const files = [{ name: 'shepherd.signature.json', contentType: 'application/json', body: '{}' }];
    expect(() => validateConfigFiles(files)).toThrow(InvalidConfigError);
    expect(() => validateConfigFiles(files)).toThrow(/reserved/);
  });

  it('refuses too many files and too many bytes', () => {
    const many = Array.from({ length: MAX_CONFIG_FILES + 1 }, (_, i) => ({ name: `f${i}`, contentType: '', body: '' }));
    expect(() => validateConfigFiles(many)).toThrow(/at most 64 files/);
    expect(() => validateConfigFiles([{ name: 'big', contentType: '', body: 'x'.repeat(MAX_CONFIG_BYTES) }])).toThrow(/at most 786432 bytes/);
  });
});

describe('stored files', () => {
  it('stores valid UTF-8 as text and anything else as base64, and reads both back to the same bytes', () => {
    const text = toStoredFile({ name: 'a', contentType: 'text/yaml', body: Buffer.from('k: v\n') });
    expect(text).toEqual({ name: 'a', contentType: 'text/yaml', body: 'k: v\n', encoding: 'utf8' });
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    const stored = toStoredFile({ name: 'b', contentType: 'application/octet-stream', body: binary });
    expect(stored).toEqual({ name: 'b', contentType: 'application/octet-stream', body: '//4AQQ==', encoding: 'base64' });
    expect(Buffer.from(fromStoredFile(stored).body).equals(binary)).toBe(true);
    expect(Buffer.from(fromStoredFile(text).body).toString()).toBe('k: v\n');
  });
});
