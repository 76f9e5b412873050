import { InflightGate } from './inflight-gate.js';
import { DEFAULT_MIGRATIONS_DIR, loadMigrations } from './migrations/migration-loader.js';
import { type MigrationSession, runMigrations } from './migrations/migration-runner.js';
import type { IsolationLevel, MigrateResult, QueryResult, SqlExecutor, SqlStore, StoreDialect } from './sql-store.js';
import { TransactionGuard, resolveTransactionOptions, runWithRetries, transactionHandle } from './transaction-runner.js';
import { type WireValue, toWireParams } from './wire-params.js';

/** A row as drivers return it, before the caller's row type is applied. */
export type AnyRow = Record<string, unknown>;

/** A connection-bound statement runner lent by a driver; parameters are already encoded. */
export interface DriverExecutor {
  query(sql: string, params: WireValue[]): Promise<QueryResult<AnyRow>>;
}

/**
 * What an adapter implements; {@link createSqlStore} adds everything the engines share
 * (parameter encoding, nesting checks, retries, admission limits, migrations, close). Every
 * method throws the typed errors of `mapDatabaseError`, except that errors thrown by a
 * transaction `body` must be rethrown unchanged.
 */
export interface StoreDriver {
  readonly dialect: StoreDialect;
  /** Human description of the database for error messages, without secrets. */
  readonly description: string;
  query(sql: string, params: WireValue[]): Promise<QueryResult<AnyRow>>;
  /** One attempt at a transaction at `isolation` around `body`; COMMIT on success, ROLLBACK on failure. */
  transaction<T>(isolation: IsolationLevel, body: (tx: DriverExecutor) => Promise<T>): Promise<T>;
  /** Runs `fn` while holding the migration lock for this database. */
  withMigrationSession<T>(fn: (session: MigrationSession) => Promise<T>): Promise<T>;
  /** Releases the engine; called once, after running work has settled. */
  close(): Promise<void>;
}

/** Limits applied by {@link createSqlStore}. */
export interface StoreCoreOptions {
  /** Most statements, transactions and migrations admitted at once (running or waiting). */
  readonly maxPending: number;
}

/** Builds the {@link SqlStore} behaviour common to both engines on top of `driver`. */
export function createSqlStore(driver: StoreDriver, options: StoreCoreOptions): SqlStore {
  const gate = new InflightGate(options.maxPending, driver.description);
  const guard = new TransactionGuard();
  let closing: Promise<void> | undefined;

  const store: SqlStore = {
    dialect: driver.dialect,

    async query<R extends AnyRow = AnyRow>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      guard.assertOutside('query');
      const wire = toWireParams(params);
      return (await gate.run(() => driver.query(sql, wire))) as QueryResult<R>;
    },

    async transaction(fn, opts) {
      const resolved = resolveTransactionOptions(opts);
      guard.assertOutside('transaction');
      return gate.run(() =>
        runWithRetries(resolved, () =>
          driver.transaction(resolved.isolation, async (raw) => {
            const handle = transactionHandle((sql, params) => raw.query(sql, toWireParams(params)));
            try {
              return await guard.inside(() => fn(handle.tx));
            } finally {
              handle.finish();
            }
          }),
        ),
      );
    },

    async migrate(dir?: string): Promise<MigrateResult> {
      guard.assertOutside('migrate');
      return gate.run(async () => {
        const migrations = await loadMigrations(dir ?? DEFAULT_MIGRATIONS_DIR);
        return driver.withMigrationSession((session) => runMigrations(session, migrations));
      });
    },

    close(): Promise<void> {
      closing ??= gate.close().then(() => driver.close());
      return closing;
    },
  };
  return Object.freeze(store);
}

/** A {@link SqlExecutor} view of a driver executor, encoding parameters like the store does. */
export function encodingExecutor(raw: DriverExecutor): SqlExecutor {
  return {
    query: async <R extends AnyRow>(sql: string, params?: readonly unknown[]) =>
      (await raw.query(sql, toWireParams(params))) as QueryResult<R>,
  };
}
