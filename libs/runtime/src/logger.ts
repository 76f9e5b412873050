import { pino, type DestinationStream, type Logger } from 'pino';
import { toCamelCase } from './config/camel-case.js';
import { ENV_CATALOGUE } from './config/env-catalogue.js';
import { RuntimeOptionsError } from './errors.js';
import { isLogLevel, type LogLevel } from './log-levels.js';

export type { Logger };

/** What replaces a redacted value in log output. */
export const REDACTED = '[redacted]';

/** Credential-like keys, redacted at the top level and one level down (`*.key`). */
const SECRET_KEYS = ['authorization', 'password', 'token', 'secret', 'privateKey', 'cookie'] as const;

/** Header paths that carry credentials in request/response objects. */
const HEADER_PATHS = [
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
] as const;

/** Config keys (camelCase) of catalogue variables marked secret, e.g. `databaseUrl`. */
function secretConfigKeys(): string[] {
  return Object.values(ENV_CATALOGUE)
    .filter((spec) => spec.secret)
    .map((spec) => toCamelCase(spec.name));
}

/**
 * The redaction paths every Shepherd logger uses. pino matches a path at one
 * position only, so each key is listed at the top level and one level down
 * (`{ password }` and `{ db: { password } }`); deeper nesting is not covered,
 * so log secrets-bearing objects shallowly.
 */
export function redactionPaths(): string[] {
  const keys = [...SECRET_KEYS, ...secretConfigKeys()];
  return [...keys, ...keys.map((key) => `*.${key}`), ...HEADER_PATHS];
}

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** Service name, logged as `name` on every line. */
  readonly name: string;
  /** Minimum level written. */
  readonly level: LogLevel;
  /** Where JSON lines go; default stdout. Tests pass a stream to capture output. */
  readonly destination?: DestinationStream;
  /** Extra pino redaction paths, added to {@link redactionPaths}. */
  readonly redact?: readonly string[];
}

/**
 * Creates a pino logger writing one JSON object per line, with the level as
 * its label (`"level":"info"`), an ISO timestamp, and every credential path
 * (see {@link redactionPaths} and `redact`) replaced by {@link REDACTED}.
 *
 * @throws {RuntimeOptionsError} when `name` is empty or `level` is unknown.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  if (typeof options.name !== 'string' || options.name.trim() === '') {
    throw new RuntimeOptionsError('createLogger: name must be a non-empty string');
  }
  if (!isLogLevel(options.level)) {
    throw new RuntimeOptionsError(`createLogger: level must be a log level, got ${JSON.stringify(options.level)}`);
  }
  const settings = {
    name: options.name,
    level: options.level,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: [...redactionPaths(), ...(options.redact ?? [])], censor: REDACTED },
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}
