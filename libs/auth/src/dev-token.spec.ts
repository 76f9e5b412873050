import { describe, expect, it } from 'vitest';
import { devTokenMatches } from './dev-token.js';

describe('devTokenMatches', () => {
  const expected = 'dev-token-0123456789';

  it('accepts the exact token only', () => {
    expect(devTokenMatches(expected, expected)).toBe(true);
    expect(devTokenMatches('dev-token-0123456788', expected)).toBe(false);
    expect(devTokenMatches('DEV-TOKEN-0123456789', expected)).toBe(false);
  });

  it('refuses prefixes, extensions and the empty string without throwing on length differences', () => {
    expect(devTokenMatches(expected.slice(0, -1), expected)).toBe(false);
    expect(devTokenMatches(`${expected}x`, expected)).toBe(false);
    expect(devTokenMatches('', expected)).toBe(false);
  });
});
