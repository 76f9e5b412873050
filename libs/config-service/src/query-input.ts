import { InvalidConfigQueryError } from './query-errors.js';

/** Page size of the read queries when none is given. */
export const DEFAULT_QUERY_PAGE = 100;
/** Largest page of the read queries. */
export const MAX_QUERY_PAGE = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HASH = /^[0-9a-f]{64}$/i;
const MAX_TEXT = 256;

/** The tenant id of a query. @throws InvalidConfigQueryError unless a non-empty string of at most 256 characters */
export function queryTenant(tenantId: unknown): string {
  if (typeof tenantId !== 'string' || tenantId === '' || tenantId.length > MAX_TEXT) {
    throw new InvalidConfigQueryError('tenantId must be a non-empty string of at most 256 characters');
  }
  return tenantId;
}

/** The page size: `undefined` → {@link DEFAULT_QUERY_PAGE}. @throws InvalidConfigQueryError outside 1..{@link MAX_QUERY_PAGE} */
export function pageLimit(limit: unknown): number {
  const value = limit ?? DEFAULT_QUERY_PAGE;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > MAX_QUERY_PAGE) {
    throw new InvalidConfigQueryError(`limit must be an integer in 1..${MAX_QUERY_PAGE}, got ${String(limit)}`);
  }
  return value;
}

/** A config hash in canonical (lower-case hex) form. @throws InvalidConfigQueryError naming `field` */
export function configHashParam(hash: unknown, field: string): string {
  if (typeof hash !== 'string' || !HASH.test(hash)) {
    throw new InvalidConfigQueryError(`${field} must be a config hash of 64 hex characters`);
  }
  return hash.toLowerCase();
}

/** An agent instance uid in canonical (lower-case) form. @throws InvalidConfigQueryError naming `field` */
export function instanceUidParam(uid: unknown, field: string): string {
  if (typeof uid !== 'string' || !UUID.test(uid)) {
    throw new InvalidConfigQueryError(`${field} must be a UUID like 0190f3c2-7b1e-7cc0-8a1b-2c3d4e5f6a7b`);
  }
  return uid.toLowerCase();
}

/** An optional exact-match text filter. @throws InvalidConfigQueryError unless absent or 1..256 characters */
export function textFilter(value: unknown, field: string): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || value === '' || value.length > MAX_TEXT) {
    throw new InvalidConfigQueryError(`${field} must be a non-empty string of at most ${MAX_TEXT} characters`);
  }
  return value;
}

/** An optional instant (a Date or ISO-8601 text). @throws InvalidConfigQueryError when it is not a valid time */
export function timeFilter(value: unknown, field: string): Date | null {
  if (value === undefined) return null;
  const date = value instanceof Date ? value : typeof value === 'string' && ISO_TIME.test(value) ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new InvalidConfigQueryError(`${field} must be an ISO-8601 time such as 2030-01-01T00:00:00Z`);
  }
  return date;
}

const ISO_TIME = /^\d{4}-\d\d-\d\d(?:T\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?(?:Z|[+-]\d\d:\d\d))?$/;
