import pg from 'pg';
import { StoreUnavailableError, TransactionAbortedError } from '../errors.js';
import { type DatabaseErrorContext, mapDatabaseError } from '../map-database-error.js';
import type { MigrationSession, ScriptExecutor } from '../migrations/migration-runner.js';
import type { IsolationLevel, QueryResult, SqlStore } from '../sql-store.js';
import { type AnyRow, type DriverExecutor, type StoreDriver, createSqlStore, encodingExecutor } from '../store-core.js';
import { beginStatement } from '../transaction-runner.js';
import { ARRAY_ELEMENT_OIDS, VALUE_PARSERS, mapArrayElements } from '../type-parsers.js';
import type { WireValue } from '../wire-params.js';
import { type PostgresStoreOptions, type ResolvedPostgresOptions, resolvePostgresOptions } from './postgres-options.js';

export type { PostgresStoreOptions } from './postgres-options.js';

// One lock per schema, so migrators of different schemas (parallel tests) do not wait for each other.
const MIGRATION_LOCK_KEY = "hashtextextended('shepherd.migrate:' || coalesce(current_schema(), ''), 0)";

/**
 * Opens a PostgreSQL-backed {@link SqlStore} over a `pg` connection pool. Verifies the
 * connection before returning and, with `schema`, creates that schema and pins `search_path`
 * to it on every connection. Throws `StoreConfigError` for invalid options and
 * `StoreUnavailableError` (naming host:port/database, never the password) when the server
 * cannot be reached within `connectTimeoutMs`.
 */
export async function connectPostgres(options: PostgresStoreOptions): Promise<SqlStore> {
  const resolved = resolvePostgresOptions(options);
  const context: DatabaseErrorContext = { target: resolved.description, secrets: resolved.secrets };
  const pool = new pg.Pool(poolConfig(resolved));
  // An idle pooled connection that fails must not become an uncaught 'error' event.
  pool.on('error', (err) => resolved.onBackgroundError(mapDatabaseError(err, context)));
  try {
    await probe(pool, context);
    if (resolved.schema !== undefined) await createSchema(pool, resolved.schema, context);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return createSqlStore(new PostgresDriver(pool, resolved, context), { maxPending: resolved.maxPending });
}

function poolConfig(options: ResolvedPostgresOptions): pg.PoolConfig {
  return {
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    ...(options.statementTimeoutMs > 0 ? { statement_timeout: options.statementTimeoutMs } : {}),
    application_name: options.applicationName,
    ...(options.schema !== undefined ? { options: `-c search_path=${options.schema}` } : {}),
    keepAlive: true,
    types: { getTypeParser: sharedTypeParser as pg.CustomTypesConfig['getTypeParser'] },
  };
}

// Fails fast, with one clear message, when the server cannot be reached or refuses us.
async function probe(pool: pg.Pool, context: DatabaseErrorContext): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    const mapped = mapDatabaseError(err, context);
    if (mapped instanceof StoreUnavailableError) throw mapped;
    throw new StoreUnavailableError(`${context.target} is unavailable: ${mapped.message}`, { cause: err });
  }
}

async function createSchema(pool: pg.Pool, schema: string, context: DatabaseErrorContext): Promise<void> {
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (err) {
    // Two processes creating the schema at once: the loser reports a duplicate; the schema exists.
    const code = (err as { code?: unknown }).code;
    if (code !== '23505' && code !== '42P06') throw mapDatabaseError(err, context);
  }
}

type TypeOid = Parameters<typeof pg.types.getTypeParser>[0];
const TEXT_ARRAY_OID = 1009 as TypeOid;
const textArrayParser = pg.types.getTypeParser(TEXT_ARRAY_OID, 'text') as (text: string) => unknown;

// Decodes the types listed in type-parsers.ts exactly as the PGlite adapter does; others as pg does.
function sharedTypeParser(oid: number, format?: string): (text: string) => unknown {
  if (format === undefined || format === 'text') {
    const scalar = VALUE_PARSERS.get(oid);
    if (scalar !== undefined) return scalar;
    const element = ARRAY_ELEMENT_OIDS.get(oid);
    const elementParser = element === undefined ? undefined : VALUE_PARSERS.get(element);
    if (elementParser !== undefined) return (text) => mapArrayElements(textArrayParser(text), elementParser);
  }
  return pg.types.getTypeParser(oid as TypeOid, (format ?? 'text') as 'text') as (text: string) => unknown;
}

type Queryable = pg.Pool | pg.PoolClient;

class PostgresDriver implements StoreDriver {
  readonly dialect = 'postgres' as const;
  readonly description: string;
  readonly #pool: pg.Pool;
  readonly #options: ResolvedPostgresOptions;
  readonly #context: DatabaseErrorContext;

  constructor(pool: pg.Pool, options: ResolvedPostgresOptions, context: DatabaseErrorContext) {
    this.#pool = pool;
    this.#options = options;
    this.#context = context;
    this.description = options.description;
  }

  query(sql: string, params: WireValue[]): Promise<QueryResult<AnyRow>> {
    return this.#run(this.#pool, sql, params);
  }

  async transaction<T>(isolation: IsolationLevel, body: (tx: DriverExecutor) => Promise<T>): Promise<T> {
    return this.#withClient((client, markBroken) =>
      this.#transactOn(client, markBroken, isolation, () =>
        body({ query: (sql, params) => this.#run(client, sql, params) }),
      ),
    );
  }

  async withMigrationSession<T>(fn: (session: MigrationSession) => Promise<T>): Promise<T> {
    return this.#withClient(async (client, markBroken) => {
      // Session-level lock on the connection that also runs the migrations, so a pool of one
      // suffices; if unlocking fails the connection is destroyed, which releases the lock too.
      await this.#run(client, `SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`, []);
      try {
        return await fn({
          transaction: (work) =>
            this.#transactOn(client, markBroken, 'read committed', () => work(this.#script(client))),
        });
      } finally {
        await this.#run(client, `SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`, []).catch(markBroken);
      }
    });
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  #script(client: pg.PoolClient): ScriptExecutor {
    return {
      ...encodingExecutor({ query: (sql, params) => this.#run(client, sql, params) }),
      exec: async (script) => {
        try {
          // Without parameters pg uses the simple protocol, which runs several statements.
          await client.query(script);
        } catch (err) {
          throw mapDatabaseError(err, this.#context);
        }
      },
    };
  }

  async #transactOn<T>(
    client: pg.PoolClient,
    markBroken: (err: unknown) => void,
    isolation: IsolationLevel,
    body: () => Promise<T>,
  ): Promise<T> {
    await this.#run(client, beginStatement(isolation), []);
    let result: T;
    try {
      result = await body();
    } catch (err) {
      // The caller's error wins; a connection that cannot even roll back is discarded.
      await this.#run(client, 'ROLLBACK', []).catch(markBroken);
      throw err;
    }
    let command: string;
    try {
      command = (await client.query('COMMIT')).command;
    } catch (err) {
      await this.#run(client, 'ROLLBACK', []).catch(markBroken);
      throw mapDatabaseError(err, this.#context);
    }
    // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK instead of an error.
    if (command === 'ROLLBACK') {
      throw new TransactionAbortedError('the transaction was rolled back at commit because a statement in it failed', {
        sqlState: '25P02',
      });
    }
    return result;
  }

  // Checks a client out for `fn`; a client whose connection failed is destroyed, not reused.
  async #withClient<T>(fn: (client: pg.PoolClient, markBroken: (err: unknown) => void) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw mapDatabaseError(err, this.#context);
    }
    let broken: Error | undefined;
    const markBroken = (err: unknown): void => {
      broken ??= err instanceof Error ? err : new Error(String(err));
    };
    // A checked-out client that loses its connection between statements emits 'error'; without a
    // listener that would crash the process.
    const onError = (err: Error): void => {
      markBroken(err);
      this.#options.onBackgroundError(mapDatabaseError(err, this.#context));
    };
    client.on('error', onError);
    try {
      return await fn(client, markBroken);
    } catch (err) {
      if (err instanceof StoreUnavailableError) markBroken(err);
      throw err;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  async #run(target: Queryable, sql: string, params: WireValue[]): Promise<QueryResult<AnyRow>> {
    try {
      // Extended protocol always, as PGlite's query does: one statement per call, even without parameters.
      // queryMode is honoured by pg 8 but missing from @types/pg.
      const config: pg.QueryConfig<WireValue[]> & { queryMode: 'extended' } = {
        text: sql,
        values: params,
        queryMode: 'extended',
      };
      const result: pg.QueryResult<AnyRow> = await target.query(config);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    } catch (err) {
      throw mapDatabaseError(err, this.#context);
    }
  }
}
