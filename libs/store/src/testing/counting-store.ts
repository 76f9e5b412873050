import { performance } from 'node:perf_hooks';
import type { QueryResult, SqlExecutor, SqlStore } from '../sql-store.js';

/** One statement run through a {@link CountingStore}. */
export interface StatementRecord {
  readonly sql: string;
  /** Wall time from call to result or error, ms; undefined while the statement runs. */
  readonly ms: number | undefined;
}

/** A store that records the statements and transactions run through it, since its last reset. */
export interface CountingStore {
  /** Use this store in the code under test. */
  readonly store: SqlStore;
  /** The SQL of every statement, in call order, also inside transactions. */
  readonly statements: readonly string[];
  /** Every statement with its time, in call order. */
  readonly records: readonly StatementRecord[];
  /** Transactions begun (each `transaction` call once, however often it retried). */
  readonly transactions: number;
  /** Statements that write: INSERT, UPDATE or DELETE, also inside a WITH. */
  writes(): number;
  /** Forgets everything recorded so far (a statement still running is dropped too). */
  reset(): void;
}

const WRITE = /^\s*(INSERT|UPDATE|DELETE)\b|^\s*WITH\b[\s\S]*\b(INSERT|UPDATE|DELETE)\b/i;

/** Wraps `inner` so every statement (also inside transactions) is recorded and timed. */
export function countingStore(inner: SqlStore): CountingStore {
  let records: { sql: string; ms: number | undefined }[] = [];
  let transactions = 0;
  const counted = (executor: SqlExecutor): SqlExecutor => ({
    async query<R extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const record: { sql: string; ms: number | undefined } = { sql, ms: undefined };
      records.push(record);
      const started = performance.now();
      try {
        return await executor.query<R>(sql, params);
      } finally {
        record.ms = performance.now() - started;
      }
    },
  });
  const store: SqlStore = {
    ...counted(inner),
    transaction: (fn, opts) => {
      transactions += 1;
      return inner.transaction((tx) => fn(counted(tx)), opts);
    },
    migrate: (dir) => inner.migrate(dir),
    close: () => inner.close(),
    get dialect() {
      return inner.dialect;
    },
  };
  return {
    store,
    get statements() {
      return records.map((r) => r.sql);
    },
    get records() {
      return records.map((r) => ({ sql: r.sql, ms: r.ms }));
    },
    get transactions() {
      return transactions;
    },
    writes: () => records.filter((r) => WRITE.test(r.sql)).length,
    reset() {
      records = [];
      transactions = 0;
    },
  };
}
