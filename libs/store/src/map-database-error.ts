import { ShepherdError } from '@shepherd/errors';
import {
  CheckViolationError,
  type DatabaseErrorDetails,
  ForeignKeyViolationError,
  NotNullViolationError,
  QueryError,
  SerializationError,
  StatementTimeoutError,
  StoreUnavailableError,
  TransactionAbortedError,
  UniqueViolationError,
} from './errors.js';

/** Where a failed statement was sent, so errors can name it without secrets. */
export interface DatabaseErrorContext {
  /** Human description of the database, e.g. `PostgreSQL db.internal:5432/shepherd`; never a password. */
  readonly target?: string;
  /** Strings (passwords) that must never appear in an error message; replaced by `***`. */
  readonly secrets?: readonly string[];
}

type DatabaseStatementErrorClass = new (message: string, details: DatabaseErrorDetails) => ShepherdError;

const BY_SQLSTATE: Readonly<Record<string, DatabaseStatementErrorClass>> = {
  '23505': UniqueViolationError,
  '23503': ForeignKeyViolationError,
  '23514': CheckViolationError,
  '23502': NotNullViolationError,
  '40001': SerializationError,
  '40P01': SerializationError,
  '57014': StatementTimeoutError,
  '25P02': TransactionAbortedError,
};

// Node socket / DNS failures: the database host cannot be reached at all.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
]);

// pg and pg-pool report timeouts and dropped connections without a code.
const CONNECTION_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|connection timeout|not queryable|Connection closed/i;

// SQLSTATEs meaning "the server cannot serve this connection", not "this statement is wrong":
// 08 connection exception, 28 invalid authorization, 3D000 unknown database,
// 53300 too many connections, 57P01..57P03 server shutting down / starting up.
const UNAVAILABLE_SQLSTATE = /^(08|28)|^(3D000|53300|57P01|57P02|57P03)$/;

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * Turns anything a database driver (pg or PGlite; both report the PostgreSQL SQLSTATE as
 * `code`) threw into the store's typed errors. A {@link ShepherdError} is returned unchanged.
 * Connection failures become {@link StoreUnavailableError} naming `context.target`; constraint
 * violations, serialisation failures and timeouts get their own classes; everything else is a
 * {@link QueryError} carrying the SQLSTATE. Messages never contain `context.secrets`.
 */
export function mapDatabaseError(err: unknown, context: DatabaseErrorContext = {}): ShepherdError {
  if (err instanceof ShepherdError) return err;
  const fields = readFields(err);
  const message = redact(fields.message, context.secrets);
  if (isConnectionFailure(fields)) {
    const where = context.target ?? 'the database';
    return new StoreUnavailableError(`${where} is unavailable: ${message}`, { cause: err });
  }
  const details: DatabaseErrorDetails = {
    sqlState: fields.sqlState ?? '',
    constraint: fields.constraint,
    table: fields.table,
    cause: err,
  };
  const ErrorClass = fields.sqlState === undefined ? undefined : BY_SQLSTATE[fields.sqlState];
  if (ErrorClass !== undefined) return new ErrorClass(message, details);
  const state = fields.sqlState === undefined ? '' : ` (SQLSTATE ${fields.sqlState})`;
  return new QueryError(`${message}${state}`, details);
}

interface ErrorFields {
  readonly message: string;
  readonly sqlState: string | undefined;
  readonly networkCode: string | undefined;
  readonly constraint: string | undefined;
  readonly table: string | undefined;
}

function readFields(err: unknown): ErrorFields {
  const record = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>;
  const code = stringField(record, 'code') ?? firstInnerCode(record);
  const message = err instanceof Error ? err.message || String(code ?? err.name) : String(err);
  return {
    message,
    sqlState: code !== undefined && SQLSTATE.test(code) && !NETWORK_CODES.has(code) ? code : undefined,
    networkCode: code !== undefined && NETWORK_CODES.has(code) ? code : undefined,
    constraint: stringField(record, 'constraint'),
    table: stringField(record, 'table'),
  };
}

// Node's happy-eyeballs connect reports an AggregateError whose members carry the code.
function firstInnerCode(record: Record<string, unknown>): string | undefined {
  const inner = record['errors'];
  if (!Array.isArray(inner)) return undefined;
  for (const e of inner) {
    const code = typeof e === 'object' && e !== null ? stringField(e as Record<string, unknown>, 'code') : undefined;
    if (code !== undefined) return code;
  }
  return undefined;
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isConnectionFailure(fields: ErrorFields): boolean {
  if (fields.networkCode !== undefined) return true;
  if (fields.sqlState !== undefined) return UNAVAILABLE_SQLSTATE.test(fields.sqlState);
  return CONNECTION_MESSAGES.test(fields.message);
}

function redact(message: string, secrets: readonly string[] | undefined): string {
  let text = message;
  for (const secret of secrets ?? []) {
    if (secret !== '') text = text.split(secret).join('***');
  }
  return text;
}
