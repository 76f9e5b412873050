import { performance } from 'node:perf_hooks';
import type { QueryResult, SqlExecutor, SqlStore } from '@shepherd/store';

/** Statements of one kind seen in the measured window. */
export interface StatementTally {
  readonly kind: string;
  readonly count: number;
  /** Summed wall time from call to result, ms (overlapping statements add up). */
  readonly totalMs: number;
}

/** What a {@link CountingStore} saw since its last reset. */
export interface StoreTally {
  /** Every statement, inside transactions or not. */
  readonly statements: number;
  readonly transactions: number;
  readonly byKind: readonly StatementTally[];
}

/** A store that counts and times the statements and transactions run through it. */
export interface CountingStore {
  readonly store: SqlStore;
  /** Starts a new window. */
  reset(): void;
  tally(): StoreTally;
}

// Names for the statements of a fan-out; anything else is named by its first words.
const KINDS: readonly [RegExp, string][] = [
  [/FROM agents a\s+LEFT JOIN agent_config_state[\s\S]*ORDER BY a\.instance_uid LIMIT/, 'fan-out batch read (loadOnlineBatch)'],
  [/FROM agents a\s+LEFT JOIN agent_config_state/, 'one agent view (loadReconcileView)'],
  [/^\s*INSERT INTO agent_config_state AS s \(instance_uid, target_hash/, 'record offers (recordOffers)'],
  [/FROM config_versions WHERE tenant_id = \$1 AND hash = \$2/, 'load version'],
  [/^\s*INSERT INTO config_versions/, 'save version'],
  [/config_assignments/, 'assignment write/read'],
  [/INSERT INTO audit_log/, 'audit entry'],
  [/count\(\*\)[\s\S]*FROM agents/, 'count matching agents'],
  [/pg_advisory_xact_lock/, 'advisory lock'],
];

function kindOf(sql: string): string {
  for (const [pattern, kind] of KINDS) if (pattern.test(sql)) return kind;
  return sql.trim().replace(/\s+/g, ' ').slice(0, 40);
}

/** Wraps `inner`; every statement (also inside transactions) is counted by kind and timed. */
export function countingStore(inner: SqlStore): CountingStore {
  let kinds = new Map<string, { count: number; totalMs: number }>();
  let transactions = 0;
  const counted = (executor: SqlExecutor): SqlExecutor => ({
    async query<R extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const kind = kindOf(sql);
      const started = performance.now();
      try {
        return await executor.query<R>(sql, params);
      } finally {
        const entry = kinds.get(kind) ?? { count: 0, totalMs: 0 };
        entry.count += 1;
        entry.totalMs += performance.now() - started;
        kinds.set(kind, entry);
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
    reset() {
      kinds = new Map();
      transactions = 0;
    },
    tally() {
      const byKind = [...kinds].map(([kind, { count, totalMs }]) => ({ kind, count, totalMs })).sort((a, b) => b.totalMs - a.totalMs);
      return { statements: byKind.reduce((sum, k) => sum + k.count, 0), transactions, byKind };
    },
  };
}
