/** Which engine a {@link SqlStore} runs on. Repositories must not branch on it; it is for logs and metrics. */
export type StoreDialect = 'postgres' | 'pglite';

/** Transaction isolation levels, as PostgreSQL spells them. */
export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

/** What one statement returned. */
export interface QueryResult<R> {
  /** Result rows, values decoded as listed in the README type table (identical on both engines). */
  readonly rows: R[];
  /** Rows returned (SELECT) or changed (INSERT/UPDATE/DELETE); 0 for statements that touch no rows. */
  readonly rowCount: number;
}

/**
 * Runs one SQL statement (PostgreSQL dialect, `$1`-style parameters).
 *
 * Parameters are encoded identically on both engines (see the README): `bigint` and numbers as
 * decimal text, `Date` as ISO-8601 UTC, `Uint8Array`/`Buffer` as bytea, JS arrays as PostgreSQL
 * array literals, other objects as JSON text, `null`/`undefined` as NULL.
 *
 * Throws the typed errors of `mapDatabaseError` (e.g. `UniqueViolationError`,
 * `StoreUnavailableError`, `QueryError`), `StoreClosedError` after `close()`.
 */
export interface SqlExecutor {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>>;
}

/** Options of {@link SqlStore.transaction}. */
export interface TransactionOptions {
  /** Isolation level of the transaction (default `'read committed'`). */
  readonly isolation?: IsolationLevel;
  /**
   * Rerun the whole callback when the transaction fails with a serialisation failure or a
   * deadlock (SQLSTATE 40001/40P01). The callback must then be safe to run more than once.
   */
  readonly retryOnConflict?: boolean;
  /** Reruns allowed when `retryOnConflict` is set (default 3, at most 1000). */
  readonly retries?: number;
}

/** What {@link SqlStore.migrate} did. */
export interface MigrateResult {
  /** Ids (`NNNN_name`) of the migrations this call applied, in order; empty when none were pending. */
  readonly applied: string[];
  /** Id of the newest migration recorded in the database after the call; `''` when there is none. */
  readonly current: string;
}

/**
 * The SQL port: one database reached through plain PostgreSQL SQL. The same statements and the
 * same migration files run on PostgreSQL (`connectPostgres`) and on embedded PGlite (`openPglite`).
 */
export interface SqlStore extends SqlExecutor {
  /**
   * Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it throws (the error is
   * rethrown unchanged). `tx` is valid only until `fn` settles (later use throws
   * `TransactionFinishedError`). Calling `transaction` or `query` on the store from inside `fn`
   * throws `NestedTransactionError` (use `tx`). With `retryOnConflict`, serialisation failures
   * and deadlocks rerun `fn` up to `retries` times with jittered backoff, then throw
   * `SerializationError`. A commit refused because a statement failed inside the transaction
   * throws `TransactionAbortedError`.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, opts?: TransactionOptions): Promise<T>;

  /**
   * Applies the pending migrations of `dir` (default: this package's `migrations/` directory)
   * in version order, each in its own transaction, and records version, name and sha256
   * checksum in `schema_migrations`. Throws `MigrationChecksumError` (nothing applied) when a
   * recorded migration's file changed, `MigrationError` when the directory is unreadable or a
   * migration fails (that migration is rolled back). Safe to run from several processes at once.
   */
  migrate(dir?: string): Promise<MigrateResult>;

  /** The engine behind this store. */
  readonly dialect: StoreDialect;

  /** Waits for running work, then releases every connection. Idempotent; later calls throw `StoreClosedError`. */
  close(): Promise<void>;
}
