import { toLong } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, boundedRetryAfterHeaderMs, retryAfterHeaderMs, retryInfoMs } from './retry-after.js';

describe('retryAfterHeaderMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads whole seconds and HTTP dates', () => {
    expect(retryAfterHeaderMs('30', now)).toBe(30_000);
    expect(retryAfterHeaderMs(' 0 ', now)).toBe(0);
    expect(retryAfterHeaderMs('Thu, 01 Jan 2026 00:00:45 GMT', now)).toBe(45_000);
    expect(retryAfterHeaderMs(['5', '9'], now)).toBe(5_000);
  });

  it('treats a date in the past as "now" and caps long waits', () => {
    expect(retryAfterHeaderMs('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(retryAfterHeaderMs('999999', now)).toBe(MAX_RETRY_AFTER_MS);
  });

  it.each([undefined, '', '-5', '1.5', 'soon'])('gives undefined for %j (the caller backs off)', (value) => {
    expect(retryAfterHeaderMs(value, now)).toBeUndefined();
  });
});

describe('boundedRetryAfterHeaderMs', () => {
  it('applies the caller\'s tighter cap, and only the global one without it', () => {
    expect(boundedRetryAfterHeaderMs('30', 1_000)).toBe(1_000);
    expect(boundedRetryAfterHeaderMs('0', 1_000)).toBe(0);
    expect(boundedRetryAfterHeaderMs('999999', undefined)).toBe(MAX_RETRY_AFTER_MS);
    expect(boundedRetryAfterHeaderMs('soon', 1_000)).toBeUndefined();
  });
});

describe('retryInfoMs', () => {
  it('converts nanoseconds to ms, caps, and treats 0 or absent as no advice', () => {
    expect(retryInfoMs(toLong(1_500_000_000n))).toBe(1_500);
    expect(retryInfoMs(toLong(2n ** 63n))).toBe(MAX_RETRY_AFTER_MS);
    expect(retryInfoMs(toLong(0n))).toBeUndefined();
    expect(retryInfoMs(undefined)).toBeUndefined();
    expect(retryInfoMs(null)).toBeUndefined();
  });
});
