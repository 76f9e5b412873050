import { ShepherdError, type ShepherdErrorOptions } from '@shepherd/errors';

/** Details PostgreSQL reports with a failed statement, kept on the typed errors for logs. */
export interface DatabaseErrorDetails extends ShepherdErrorOptions {
  /** The five-character SQLSTATE, e.g. `23505`. */
  readonly sqlState: string;
  /** Name of the violated constraint, when PostgreSQL names one. */
  readonly constraint?: string | undefined;
  /** Table the failure is about, when PostgreSQL names one. */
  readonly table?: string | undefined;
}

/** Base of the errors that stand for one SQLSTATE reported by the database. */
export abstract class DatabaseStatementError extends ShepherdError {
  /** The five-character SQLSTATE reported by PostgreSQL / PGlite. */
  readonly sqlState: string;
  /** Name of the violated constraint, when reported. */
  readonly constraint: string | undefined;
  /** Table the failure is about, when reported. */
  readonly table: string | undefined;

  constructor(message: string, details: DatabaseErrorDetails) {
    super(message, { cause: details.cause });
    this.sqlState = details.sqlState;
    this.constraint = details.constraint;
    this.table = details.table;
  }
}

/** The options given to a store factory are invalid; raised once, at start-up. */
export class StoreConfigError extends ShepherdError {
  readonly code = 'STORE_CONFIG_INVALID';
  readonly kind = 'invalid_argument' as const;
}

/**
 * The database cannot be reached: connection refused, DNS failure, connect timeout, lost
 * connection, authentication or startup refused. The message names `host:port/database`, never
 * the password.
 */
export class StoreUnavailableError extends ShepherdError {
  readonly code = 'STORE_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
}

/** The store was closed; no further statements run on it. */
export class StoreClosedError extends ShepherdError {
  readonly code = 'STORE_CLOSED';
  readonly kind = 'unavailable' as const;
}

/** Too many statements are already waiting for a connection; the caller should back off. */
export class StoreOverloadedError extends ShepherdError {
  readonly code = 'STORE_OVERLOADED';
  readonly kind = 'resource_exhausted' as const;
}

/** A row would duplicate a unique key (SQLSTATE 23505); `constraint` names the key. */
export class UniqueViolationError extends DatabaseStatementError {
  readonly code = 'UNIQUE_VIOLATION';
  readonly kind = 'conflict' as const;
}

/**
 * A row references a missing row, or a referenced row is still in use (SQLSTATE 23503): the
 * request is valid but the data it depends on is not in the required state.
 */
export class ForeignKeyViolationError extends DatabaseStatementError {
  readonly code = 'FOREIGN_KEY_VIOLATION';
  readonly kind = 'failed_precondition' as const;
}

/** A value fails a CHECK constraint (SQLSTATE 23514). */
export class CheckViolationError extends DatabaseStatementError {
  readonly code = 'CHECK_VIOLATION';
  readonly kind = 'invalid_argument' as const;
}

/** A NOT NULL column was given NULL (SQLSTATE 23502). */
export class NotNullViolationError extends DatabaseStatementError {
  readonly code = 'NOT_NULL_VIOLATION';
  readonly kind = 'invalid_argument' as const;
}

/** A concurrent transaction won: serialisation failure (40001) or deadlock (40P01). Retry the transaction. */
export class SerializationError extends DatabaseStatementError {
  readonly code = 'SERIALIZATION_FAILURE';
  readonly kind = 'conflict' as const;
}

/** A statement ran longer than the statement timeout, or was cancelled (SQLSTATE 57014). */
export class StatementTimeoutError extends DatabaseStatementError {
  readonly code = 'STATEMENT_TIMEOUT';
  readonly kind = 'deadline_exceeded' as const;
}

/** A commit was refused because a statement failed earlier in the transaction (SQLSTATE 25P02); nothing was written. */
export class TransactionAbortedError extends DatabaseStatementError {
  readonly code = 'TRANSACTION_ABORTED';
  readonly kind = 'internal' as const;
}

/** Any other failed statement (syntax error, bad cast, ...); `sqlState` tells which. */
export class QueryError extends DatabaseStatementError {
  readonly code = 'QUERY_FAILED';
  readonly kind = 'internal' as const;
}

/** `transaction()` or `query()` was called on the store from inside a transaction callback; use `tx`. */
export class NestedTransactionError extends ShepherdError {
  readonly code = 'NESTED_TRANSACTION';
  readonly kind = 'internal' as const;
}

/** A transaction handle was used after its transaction ended. */
export class TransactionFinishedError extends ShepherdError {
  readonly code = 'TRANSACTION_FINISHED';
  readonly kind = 'internal' as const;
}

/** An applied migration's file no longer matches the checksum recorded when it was applied. */
export class MigrationChecksumError extends ShepherdError {
  readonly code = 'MIGRATION_CHECKSUM_MISMATCH';
  readonly kind = 'failed_precondition' as const;
}

/** The migrations directory is unreadable or malformed, or a migration failed (and was rolled back). */
export class MigrationError extends ShepherdError {
  readonly code = 'MIGRATION_FAILED';
  readonly kind = 'internal' as const;
}
