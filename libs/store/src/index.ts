/**
 * @shepherd/store: the SQL port. Repositories write plain PostgreSQL SQL (`$1` parameters)
 * against {@link SqlStore}; the same statements and migrations run on PostgreSQL and on
 * embedded PGlite. See README.md for the dialect rules and the type mapping.
 */
export type {
  IsolationLevel,
  MigrateResult,
  QueryResult,
  SqlExecutor,
  SqlStore,
  StoreDialect,
  TransactionOptions,
} from './sql-store.js';
export { openStore, type OpenStoreOptions } from './open-store.js';
export { connectPostgres, type PostgresStoreOptions } from './postgres/postgres-store.js';
export { openPglite, type PgliteStoreOptions } from './pglite/pglite-store.js';
export { DEFAULT_MIGRATIONS_DIR } from './migrations/migration-loader.js';
export {
  CheckViolationError,
  DatabaseStatementError,
  ForeignKeyViolationError,
  MigrationChecksumError,
  MigrationError,
  NestedTransactionError,
  NotNullViolationError,
  QueryError,
  SerializationError,
  StatementTimeoutError,
  StoreClosedError,
  StoreConfigError,
  StoreOverloadedError,
  StoreUnavailableError,
  TransactionAbortedError,
  TransactionFinishedError,
  UniqueViolationError,
  type DatabaseErrorDetails,
} from './errors.js';
