import { StoreConfigError } from '../errors.js';

/** Options of `connectPostgres`. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`; `postgresql://` is accepted too. */
  readonly url: string;
  /**
   * Schema to work in: created if missing and made the only entry of `search_path` on every
   * pooled connection, so unqualified table names resolve there. Lower-case identifier
   * (`[a-z_][a-z0-9_]*`, at most 63 characters). Default: the server's search_path.
   */
  readonly schema?: string;
  /** Most connections the pool opens (default 10, 1..1000). */
  readonly poolSize?: number;
  /** Give up connecting (DNS, TCP, authentication) after this long (default 5000 ms). */
  readonly connectTimeoutMs?: number;
  /** Server-side `statement_timeout` for every statement; 0 disables (default 0). */
  readonly statementTimeoutMs?: number;
  /** `application_name` shown in `pg_stat_activity` (default `shepherd`). */
  readonly applicationName?: string;
  /** Most statements and transactions running or waiting for a connection (default 10000). */
  readonly maxPending?: number;
  /**
   * Receives connection failures that no caller is waiting for (an idle pooled connection
   * dropped, a server restart). Default: a one-line `console.warn`. Never throws into the process.
   */
  readonly onBackgroundError?: (err: Error) => void;
}

/** {@link PostgresStoreOptions} after validation and defaults. */
export interface ResolvedPostgresOptions {
  readonly url: string;
  readonly schema: string | undefined;
  readonly poolSize: number;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
  readonly applicationName: string;
  readonly maxPending: number;
  readonly onBackgroundError: (err: Error) => void;
  /** `PostgreSQL host:port/database`, for messages; never the password. */
  readonly description: string;
  /** Values that must never appear in messages (the password, raw and decoded). */
  readonly secrets: readonly string[];
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
const APPLICATION_NAME = /^[\x20-\x7e]{1,63}$/;

/** Validates `options` once and freezes the result; throws {@link StoreConfigError} naming the bad field. */
export function resolvePostgresOptions(options: PostgresStoreOptions): ResolvedPostgresOptions {
  const url = parseUrl(options.url);
  if (options.schema !== undefined && !SCHEMA.test(options.schema)) {
    throw new StoreConfigError(`schema must match ${SCHEMA.source}, got ${JSON.stringify(options.schema)}`);
  }
  if (options.schema !== undefined && url.searchParams.has('options')) {
    throw new StoreConfigError('set the schema either with the schema option or with options= in the URL, not both');
  }
  const applicationName = options.applicationName ?? 'shepherd';
  if (!APPLICATION_NAME.test(applicationName)) {
    throw new StoreConfigError('applicationName must be 1..63 printable ASCII characters');
  }
  const password = url.password;
  return Object.freeze({
    url: options.url,
    schema: options.schema,
    poolSize: integerIn('poolSize', options.poolSize ?? 10, 1, 1000),
    connectTimeoutMs: integerIn('connectTimeoutMs', options.connectTimeoutMs ?? 5000, 1, 600_000),
    statementTimeoutMs: integerIn('statementTimeoutMs', options.statementTimeoutMs ?? 0, 0, 2_147_483_647),
    applicationName,
    maxPending: integerIn('maxPending', options.maxPending ?? 10_000, 1, 1_000_000),
    onBackgroundError: neverThrowing(options.onBackgroundError ?? warnOnConsole),
    description: describeUrl(url),
    secrets: password === '' ? [] : [password, safeDecode(password)],
  });
}

function parseUrl(text: unknown): URL {
  if (typeof text !== 'string') throw new StoreConfigError('url must be a postgres:// URL string');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The text may hold a password, so it is not echoed.
    throw new StoreConfigError('url is not a valid URL (expected postgres://user:password@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new StoreConfigError(`url must start with postgres:// or postgresql://, got ${url.protocol}//`);
  }
  return url;
}

function describeUrl(url: URL): string {
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  const port = url.port || '5432';
  const database = safeDecode(url.pathname.replace(/^\//, '')) || safeDecode(url.username) || 'postgres';
  return `PostgreSQL ${host}:${port}/${database}`;
}

function integerIn(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new StoreConfigError(`${name} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// The callback runs from pool event handlers, where a throw would crash the process.
function neverThrowing(report: (err: Error) => void): (err: Error) => void {
  return (err) => {
    try {
      report(err);
    } catch {
      // Reporting is best effort.
    }
  };
}

function warnOnConsole(err: Error): void {
  console.warn(`[@shepherd/store] ${err.message}`);
}
