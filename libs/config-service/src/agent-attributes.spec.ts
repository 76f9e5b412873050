import { toLong } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import { MAX_ATTRIBUTE_VALUE_LENGTH, anyValueToString, attributesToLabels } from './agent-attributes.js';

describe('attributesToLabels', () => {
  it('turns AnyValues into text: strings as is, ints, doubles and bools as text', () => {
    expect(
      attributesToLabels([
        { key: 'env', value: { stringValue: 'prod' } },
        { key: 'replicas', value: { intValue: toLong(-3n, false) } },
        { key: 'ratio', value: { doubleValue: 1.5 } },
        { key: 'count', value: { doubleValue: 2 } },
        { key: 'canary', value: { boolValue: false } },
      ]),
    ).toEqual({ env: 'prod', replicas: '-3', ratio: '1.5', count: '2', canary: 'false' });
  });

  it('encodes bytes as base64, arrays and lists as JSON, an unset value as ""', () => {
    expect(anyValueToString({ bytesValue: Uint8Array.from([1, 2, 3]) })).toBe('AQID');
    expect(anyValueToString({ arrayValue: { values: [{ stringValue: 'a' }, { intValue: toLong(1n, false) }] } })).toBe('["a","1"]');
    expect(anyValueToString({ kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } })).toBe('{"k":"true"}');
    expect(anyValueToString({})).toBe('');
    expect(anyValueToString(null)).toBe('');
  });

  it('skips empty keys, keeps the last of repeated keys, and cuts overlong values', () => {
    expect(
      attributesToLabels([
        { key: '', value: { stringValue: 'x' } },
        { key: 'a', value: { stringValue: '1' } },
        { key: 'a', value: { stringValue: '2' } },
        { key: 'long', value: { stringValue: 'y'.repeat(MAX_ATTRIBUTE_VALUE_LENGTH + 10) } },
      ]),
    ).toEqual({ a: '2', long: 'y'.repeat(MAX_ATTRIBUTE_VALUE_LENGTH) });
    expect(attributesToLabels(undefined)).toEqual({});
  });
});
