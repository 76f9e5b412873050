import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { NestedTransactionError, SerializationError, StoreConfigError, TransactionFinishedError } from './errors.js';
import type { IsolationLevel, QueryResult, SqlExecutor, TransactionOptions } from './sql-store.js';

/** Transaction options after defaults and validation. */
export interface ResolvedTransactionOptions {
  readonly isolation: IsolationLevel;
  readonly retryOnConflict: boolean;
  readonly retries: number;
}

const ISOLATION_LEVELS: readonly IsolationLevel[] = ['read committed', 'repeatable read', 'serializable'];
const MAX_RETRIES = 1000;
const BACKOFF_BASE_MS = 2;
const BACKOFF_CAP_MS = 200;

/** Applies defaults; throws {@link StoreConfigError} for an unknown isolation level or a bad retry count. */
export function resolveTransactionOptions(opts: TransactionOptions = {}): ResolvedTransactionOptions {
  const isolation = opts.isolation ?? 'read committed';
  if (!ISOLATION_LEVELS.includes(isolation)) {
    throw new StoreConfigError(`isolation must be one of ${ISOLATION_LEVELS.join(', ')}, got ${String(isolation)}`);
  }
  const retries = opts.retries ?? 3;
  if (!Number.isInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
    throw new StoreConfigError(`retries must be an integer in 0..${MAX_RETRIES}, got ${String(retries)}`);
  }
  return { isolation, retryOnConflict: opts.retryOnConflict === true, retries };
}

/** The statement that opens a transaction at `isolation`. */
export function beginStatement(isolation: IsolationLevel): string {
  return `BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}`;
}

/**
 * Runs `attempt` and, when it fails with {@link SerializationError} and `opts.retryOnConflict`
 * is set, reruns it up to `opts.retries` times after a jittered exponential backoff. Any other
 * error, or the last conflict, is rethrown unchanged.
 */
export async function runWithRetries<T>(opts: ResolvedTransactionOptions, attempt: () => Promise<T>): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof SerializationError) || !opts.retryOnConflict || n >= opts.retries) throw err;
      // Full jitter spreads the losers of a conflict apart so they do not collide again.
      await sleep(Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** n));
    }
  }
}

/**
 * Tracks which async contexts are inside one store's transaction callback, so that store
 * methods called from there fail fast instead of deadlocking (PGlite) or silently running
 * outside the transaction (pool).
 */
export class TransactionGuard {
  readonly #scope = new AsyncLocalStorage<{ active: boolean }>();

  /** Throws {@link NestedTransactionError} when called from inside a running transaction callback. */
  assertOutside(operation: string): void {
    if (this.#scope.getStore()?.active === true) {
      throw new NestedTransactionError(
        `${operation} was called on the store inside a transaction callback; use the tx handle instead`,
      );
    }
  }

  /** Runs `fn` marked as inside a transaction; the mark ends when `fn` settles. */
  async inside<T>(fn: () => Promise<T>): Promise<T> {
    const scope = { active: true };
    try {
      return await this.#scope.run(scope, fn);
    } finally {
      scope.active = false;
    }
  }
}

/** A transaction handle plus the switch that invalidates it when the transaction ends. */
export interface TransactionHandle {
  readonly tx: SqlExecutor;
  finish(): void;
}

/** Wraps `run` as the `tx` given to a transaction callback; after `finish()` it throws {@link TransactionFinishedError}. */
export function transactionHandle(
  run: (sql: string, params: readonly unknown[] | undefined) => Promise<QueryResult<Record<string, unknown>>>,
): TransactionHandle {
  let finished = false;
  const tx: SqlExecutor = {
    query: async <R extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) => {
      if (finished) throw new TransactionFinishedError('the transaction this handle belongs to has ended');
      return (await run(sql, params)) as QueryResult<R>;
    },
  };
  return {
    tx,
    finish: () => {
      finished = true;
    },
  };
}
