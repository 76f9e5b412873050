import { describe, expect, it } from 'vitest';
import { canonicalConfigMapEncoding, configMapHash } from './config-map-hash.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('configMapHash', () => {
  it('encodes each field as a 4-byte big-endian length and its bytes, files in name order', () => {
    const encoded = canonicalConfigMapEncoding([
      { name: 'b', contentType: 'y', body: enc('2') },
      { name: 'a', contentType: 'x', body: enc('1') },
    ]);
    const field = (s: string) => [0, 0, 0, s.length, ...Buffer.from(s)];
    expect([...encoded]).toEqual([...field('a'), ...field('x'), ...field('1'), ...field('b'), ...field('y'), ...field('2')]);
  });

  // Hand-checkable vectors; libs/config-service's configHash spec pins the same values.
  it('matches the published vectors, in any file order, with empty fields and non-ASCII names', () => {
    expect(configMapHash([{ name: 'collector.yaml', contentType: 'application/yaml', body: enc('receivers: {}\n') }])).toBe(
      '2ed09fadd2b9cf3acc0c995989c85b9543b9bf186a8f545d5362e4c72765f345',
    );
    const files = [
      { name: 'b.yaml', contentType: 'text/yaml', body: enc('b') },
      { name: 'a.yaml', contentType: '', body: enc('') },
      { name: 'é.json', contentType: 'application/json', body: enc('{"k":1}') },
    ];
    expect(configMapHash(files)).toBe('b94d577e614bb020ce45022c298af89001d3384a8af54aa7f7f98fb626cb586e');
    expect(configMapHash([...files].reverse())).toBe(configMapHash(files));
  });

  it('changes with any name, content type or body, and never confuses a shifted boundary', () => {
    const base = { name: 'c.yaml', contentType: 'application/yaml', body: enc('x') };
    const variants = [base, { ...base, name: 'd.yaml' }, { ...base, contentType: 'text/yaml' }, { ...base, body: enc('y') }];
    expect(new Set(variants.map((f) => configMapHash([f]))).size).toBe(4);
    expect(configMapHash([{ name: 'ab', contentType: '', body: enc('') }])).not.toBe(configMapHash([{ name: 'a', contentType: 'b', body: enc('') }]));
  });
});
