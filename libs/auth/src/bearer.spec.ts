import { describe, expect, it } from 'vitest';
import { bearerToken } from './bearer.js';
import { UnauthenticatedError } from './errors.js';

function reasonOf(header: string | undefined): string {
  try {
    bearerToken(header);
  } catch (err) {
    expect(err).toBeInstanceOf(UnauthenticatedError);
    return (err as UnauthenticatedError).reason;
  }
  throw new Error('expected bearerToken to throw');
}

describe('bearerToken', () => {
  it('returns the token of a bearer header, scheme in any case', () => {
    expect(bearerToken('Bearer abc.def-ghi_jk')).toBe('abc.def-ghi_jk');
    expect(bearerToken('bearer  tok+/==')).toBe('tok+/==');
  });

  it('says the header is missing when it is absent or blank', () => {
    expect(reasonOf(undefined)).toBe('missing_header');
    expect(reasonOf('   ')).toBe('missing_header');
  });

  it('says it is not a bearer token for another scheme', () => {
    expect(reasonOf('Basic dXNlcjpwYXNz')).toBe('not_bearer');
    expect(reasonOf('Bearerx abc')).toBe('not_bearer');
  });

  it('says the token is malformed when empty, spaced or full of odd characters', () => {
    expect(reasonOf('Bearer')).toBe('malformed');
    expect(reasonOf('Bearer a b')).toBe('malformed');
    expect(reasonOf('Bearer a"b')).toBe('malformed');
    expect(reasonOf(`Bearer ${'a'.repeat(20_000)}`)).toBe('malformed');
  });
});
