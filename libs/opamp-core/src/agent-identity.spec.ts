import { toLong } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import { description } from './core.test-helpers.js';
import { identityOf } from './index.js';

describe('identityOf', () => {
  it('ignores attribute order and non-identifying attributes', () => {
    const a = description({ 'service.name': 'x', 'service.instance.id': '1' });
    const b = { ...description({ 'service.instance.id': '1', 'service.name': 'x' }), nonIdentifyingAttributes: [] };
    expect(identityOf(a)).toBe(identityOf(b));
    expect(identityOf(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tells different values and value types apart', () => {
    const s = identityOf({ identifyingAttributes: [{ key: 'n', value: { stringValue: '1' } }] });
    const i = identityOf({ identifyingAttributes: [{ key: 'n', value: { intValue: toLong(1n, false) } }] });
    const nested = identityOf({ identifyingAttributes: [{ key: 'n', value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } } }] });
    expect(new Set([s, i, nested]).size).toBe(3);
    expect(identityOf(null)).toBeUndefined();
  });
});
