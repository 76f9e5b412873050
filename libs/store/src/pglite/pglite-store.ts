import { mkdir } from 'node:fs/promises';
import { PGlite, type ParserOptions, type Results, type Transaction } from '@electric-sql/pglite';
import { StoreConfigError, StoreUnavailableError } from '../errors.js';
import { type DatabaseErrorContext, mapDatabaseError } from '../map-database-error.js';
import type { MigrationSession } from '../migrations/migration-runner.js';
import type { IsolationLevel, QueryResult, SqlStore } from '../sql-store.js';
import { type AnyRow, type DriverExecutor, type StoreDriver, createSqlStore, encodingExecutor } from '../store-core.js';
import { VALUE_PARSERS } from '../type-parsers.js';
import type { WireValue } from '../wire-params.js';

/** Options of {@link openPglite}. */
export interface PgliteStoreOptions {
  /**
   * Directory holding the database files (created if missing); reopening it later sees the
   * same data. One process at a time may open a directory. `undefined`: in memory, gone at close.
   */
  readonly dataDir?: string;
  /** Most statements and transactions running or waiting (default 10000). */
  readonly maxPending?: number;
}

/**
 * Opens an embedded PostgreSQL (PGlite, WASM) as a {@link SqlStore}. PGlite has one connection,
 * so statements and transactions run one at a time: a transaction holds the connection and
 * statements from elsewhere wait for it to end, which gives the same results as PostgreSQL's
 * isolation (conflicts never happen). Throws `StoreConfigError` for invalid options and
 * `StoreUnavailableError` when the data directory cannot be opened.
 */
export async function openPglite(options: PgliteStoreOptions = {}): Promise<SqlStore> {
  const { dataDir, maxPending } = validate(options);
  const description = dataDir === undefined ? 'PGlite in memory' : `PGlite at ${dataDir}`;
  let db: PGlite;
  try {
    if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
    db = await PGlite.create({ ...(dataDir !== undefined ? { dataDir } : {}), parsers: PARSERS });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new StoreUnavailableError(`${description} could not be opened: ${reason}`, { cause: err });
  }
  return createSqlStore(new PgliteDriver(db, description), { maxPending });
}

// Decoders shared with the PostgreSQL adapter; PGlite derives the array decoders from these.
const PARSERS: ParserOptions = Object.fromEntries(VALUE_PARSERS);

function validate(options: PgliteStoreOptions): { dataDir: string | undefined; maxPending: number } {
  const { dataDir, maxPending = 10_000 } = options;
  if (dataDir !== undefined && (typeof dataDir !== 'string' || dataDir === '' || dataDir.includes('://'))) {
    throw new StoreConfigError('dataDir must be a filesystem path (omit it for an in-memory database)');
  }
  if (!Number.isInteger(maxPending) || maxPending < 1 || maxPending > 1_000_000) {
    throw new StoreConfigError(`maxPending must be an integer in 1..1000000, got ${String(maxPending)}`);
  }
  return Object.freeze({ dataDir, maxPending });
}

class PgliteDriver implements StoreDriver {
  readonly dialect = 'pglite' as const;
  readonly description: string;
  readonly #db: PGlite;
  readonly #context: DatabaseErrorContext;
  // Serialises migrate() calls of this process; PGlite has no second process to race with.
  #migrations: Promise<unknown> = Promise.resolve();

  constructor(db: PGlite, description: string) {
    this.#db = db;
    this.description = description;
    this.#context = { target: description };
  }

  query(sql: string, params: WireValue[]): Promise<QueryResult<AnyRow>> {
    return this.#run(() => this.#db.query<AnyRow>(sql, params));
  }

  transaction<T>(isolation: IsolationLevel, body: (tx: DriverExecutor) => Promise<T>): Promise<T> {
    return this.#transact(isolation, (ptx) => body(this.#executor(ptx)));
  }

  withMigrationSession<T>(fn: (session: MigrationSession) => Promise<T>): Promise<T> {
    const session: MigrationSession = {
      transaction: (work) =>
        this.#transact('read committed', (ptx) =>
          work({
            ...encodingExecutor(this.#executor(ptx)),
            exec: async (script) => {
              await this.#run(() => ptx.exec(script));
            },
          }),
        ),
    };
    const run = this.#migrations.then(() => fn(session));
    this.#migrations = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.#db.close();
  }

  async #transact<T>(isolation: IsolationLevel, body: (ptx: Transaction) => Promise<T>): Promise<T> {
    let bodyFailure: { error: unknown } | undefined;
    try {
      // PGlite's transaction holds its connection mutex: other statements wait until it ends.
      return await this.#db.transaction(async (ptx) => {
        await this.#run(() => ptx.query(`SET TRANSACTION ISOLATION LEVEL ${isolation.toUpperCase()}`));
        try {
          return await body(ptx);
        } catch (err) {
          bodyFailure = { error: err };
          throw err;
        }
      });
    } catch (err) {
      // The caller's own error is rethrown unchanged, even if PGlite failed to roll back after it.
      if (bodyFailure !== undefined) throw bodyFailure.error;
      throw mapDatabaseError(err, this.#context);
    }
  }

  #executor(ptx: Transaction): DriverExecutor {
    return { query: (sql, params) => this.#run(() => ptx.query<AnyRow>(sql, params)) };
  }

  async #run(statement: () => Promise<Results<AnyRow> | Results<AnyRow>[]>): Promise<QueryResult<AnyRow>> {
    try {
      const result = await statement();
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? last?.affectedRows ?? 0 };
    } catch (err) {
      throw mapDatabaseError(err, this.#context);
    }
  }
}
