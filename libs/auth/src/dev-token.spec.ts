import { describe, expect, it } from 'vitest';
import { devTokenMatcher } from './dev-token.js';

describe('devTokenMatcher', () => {
  const expected = 'dev-token-0123456789';
  const matches = devTokenMatcher(expected);

  it('accepts the exact token only', () => {
    expect(matches(expected)).toBe(true);
    expect(matches('dev-token-0123456788')).toBe(false);
    expect(matches('DEV-TOKEN-0123456789')).toBe(false);
  });

  it('refuses prefixes, extensions and the empty string without throwing on length differences', () => {
    expect(matches(expected.slice(0, -1))).toBe(false);
    expect(matches(`${expected}x`)).toBe(false);
    expect(matches('')).toBe(false);
  });

  it('compares bytes, not what a normalisation would make equal', () => {
    // "é" precomposed and decomposed render alike but are different tokens.
    expect(devTokenMatcher('caf\u00e9-0123456789abcdef')('cafe\u0301-0123456789abcdef')).toBe(false);
    expect(devTokenMatcher('caf\u00e9-0123456789abcdef')('caf\u00e9-0123456789abcdef')).toBe(true);
  });
});
