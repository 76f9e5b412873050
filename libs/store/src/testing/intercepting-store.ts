import type { QueryResult, SqlStore } from '../sql-store.js';

/** Runs one statement of an {@link interceptingStore}: call `next()` to run it on the inner store. */
export type QueryInterceptor = (sql: string, params: readonly unknown[] | undefined, next: () => Promise<QueryResult<Record<string, unknown>>>) => Promise<QueryResult<Record<string, unknown>>>;

/**
 * Wraps `inner` so every statement outside transactions goes through `intercept` (to hold, fail
 * or observe chosen statements in a test); transactions, migrations, close and the dialect are
 * the inner store's.
 */
export function interceptingStore(inner: SqlStore, intercept: QueryInterceptor): SqlStore {
  return {
    query: <R extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) =>
      intercept(sql, params, () => inner.query(sql, params)) as Promise<QueryResult<R>>,
    transaction: (fn, opts) => inner.transaction(fn, opts),
    migrate: (dir) => inner.migrate(dir),
    close: () => inner.close(),
    get dialect() {
      return inner.dialect;
    },
  };
}
