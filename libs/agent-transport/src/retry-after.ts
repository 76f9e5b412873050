import { toBigInt } from '@shepherd/proto';

/** Longest wait a server may impose (Retry-After or RetryInfo); beyond it the agent tries anyway. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * The wait an HTTP `Retry-After` header asks for (wire-facts §6.7): whole
 * seconds or an HTTP date, in ms, capped at {@link MAX_RETRY_AFTER_MS};
 * undefined when absent or unreadable (the caller then backs off).
 */
export function retryAfterHeaderMs(value: string | readonly string[] | undefined, now: number = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  // Only the IMF-fixdate form: Date.parse alone would read "-5" or "1.5" as dates.
  if (!HTTP_DATE.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

/**
 * {@link retryAfterHeaderMs}, capped at `maxMs` too (a caller's tighter
 * bound, e.g. a test agent's); undefined `maxMs` keeps {@link MAX_RETRY_AFTER_MS}.
 */
export function boundedRetryAfterHeaderMs(value: string | readonly string[] | undefined, maxMs: number | undefined): number | undefined {
  const ms = retryAfterHeaderMs(value);
  return ms === undefined || maxMs === undefined ? ms : Math.min(ms, maxMs);
}

/** The wait of `ServerErrorResponse.retry_info.retry_after_nanoseconds`, in ms, capped; undefined when 0 or absent. */
export function retryInfoMs(nanos: Parameters<typeof toBigInt>[0] | null | undefined): number | undefined {
  if (nanos === null || nanos === undefined) return undefined;
  const value = toBigInt(nanos);
  if (value <= 0n) return undefined;
  const ms = value / 1_000_000n;
  return ms >= BigInt(MAX_RETRY_AFTER_MS) ? MAX_RETRY_AFTER_MS : Number(ms);
}
