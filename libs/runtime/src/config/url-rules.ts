/**
 * Validators for the engine URLs. Each returns a problem phrased to follow the
 * variable name, or `undefined` when the URL is acceptable. Messages never
 * contain the URL itself (it may hold a password).
 */

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** Problem with one URL: unparsable or wrong scheme → `expected`; no host → `expected` + host hint. */
function urlProblem(value: string, schemes: readonly string[], expected: string): string | undefined {
  const url = parseUrl(value);
  if (url === undefined || !schemes.includes(url.protocol)) return `must be ${expected}`;
  if (url.hostname === '') return `must be ${expected} with a host, e.g. ${schemes[0]}//host:port`;
  return undefined;
}

/** Splits a comma-separated list, trimming each entry (empty entries are kept so they can be reported). */
export function splitList(value: string): string[] {
  return value.split(',').map((entry) => entry.trim());
}

/** Problem with `value` as one or more comma-separated `nats://` / `tls://` server URLs. */
export function natsUrlsProblem(value: string): string | undefined {
  const entries = splitList(value);
  const expected = 'a nats:// or tls:// URL';
  for (const [index, entry] of entries.entries()) {
    const where = entries.length > 1 ? `entry ${index + 1} of the comma-separated list ` : '';
    if (entry === '') return `${where}is empty; give a nats:// or tls:// URL`;
    const problem = urlProblem(entry, ['nats:', 'tls:'], expected);
    if (problem !== undefined) return `${where}${problem}`;
  }
  return undefined;
}

/** Problem with `value` as a `redis://` / `rediss://` URL, with an optional `/<db number>` path. */
export function redisUrlProblem(value: string): string | undefined {
  const problem = urlProblem(value, ['redis:', 'rediss:'], 'a redis:// or rediss:// URL');
  if (problem !== undefined) return problem;
  const { pathname } = new URL(value);
  if (pathname !== '' && pathname !== '/' && !/^\/\d+$/.test(pathname)) {
    return 'must have only a database number as its path, e.g. redis://host:6379/0';
  }
  return undefined;
}

/**
 * Problem with `value` as a `postgres://` / `postgresql://` URL. The host may
 * instead be given as a `host` query parameter (libpq style, e.g. a Unix socket directory).
 */
export function postgresUrlProblem(value: string): string | undefined {
  const expected = 'a postgres:// or postgresql:// URL';
  const url = parseUrl(value);
  if (url === undefined || !['postgres:', 'postgresql:'].includes(url.protocol)) return `must be ${expected}`;
  if (url.hostname === '' && !url.searchParams.get('host')) {
    return `must be ${expected} with a host, e.g. postgres://user@host:5432/db`;
  }
  return undefined;
}
