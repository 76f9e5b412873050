import { describe, expect, it } from 'vitest';
import { acceptsGzip } from './http-replies.js';
import { jitteredRetryMs, retryAfterHeader } from './retry-after.js';

describe('acceptsGzip', () => {
  it.each([
    [undefined, false],
    ['gzip', true],
    ['deflate, gzip;q=0.5', true],
    ['gzip;q=0', false],
    ['identity', false],
    ['*', true],
    ['*, gzip;q=0', false],
  ])('%s → %s', (header, expected) => {
    // wire-facts §7.13
    expect(acceptsGzip(header)).toBe(expected);
  });
});

describe('retry delays', () => {
  it('jitters between the base and twice the base', () => {
    expect(jitteredRetryMs(30, () => 0)).toBe(30_000);
    expect(jitteredRetryMs(30, () => 0.999)).toBe(59_970);
    expect(retryAfterHeader(30, () => 0.5)).toBe('45');
  });
});
