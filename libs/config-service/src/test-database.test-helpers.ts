import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectPostgres, openPglite, type QueryResult, type SqlExecutor, type SqlStore } from '@shepherd/store';
import { testEngines, uniqueName } from '@shepherd/testing';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';

/** The two engines every repository test runs on. */
export const ENGINES = ['postgres', 'pglite'] as const;
export type EngineName = (typeof ENGINES)[number];

/** A migrated database for the tests of one describe block, emptied after every test. */
export interface TestDatabase {
  /** The store; valid between beforeAll and afterAll. */
  readonly store: SqlStore;
}

const TABLES = 'agent_config_status, agent_config_state, config_assignments, config_versions, agents';

/**
 * Registers hooks that open a migrated database on `engine` once (PostgreSQL: a schema of its
 * own; PGlite: a copy of the run's template cluster), empty its tables after each test, and
 * drop it after the block.
 */
export function useTestDatabase(engine: EngineName): TestDatabase {
  let store: SqlStore | undefined;
  let cleanup: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    if (engine === 'postgres') {
      const schema = uniqueName('cfgsvc');
      store = await connectPostgres({ url: testEngines.databaseUrl, schema, poolSize: 4 }).catch((err: unknown) => {
        throw new Error(`PostgreSQL must be running at ${testEngines.databaseUrl} (set TEST_DATABASE_URL): ${String(err)}`, { cause: err });
      });
      await store.migrate();
      const opened = store;
      cleanup = async () => {
        await opened.query(`DROP SCHEMA "${schema}" CASCADE`);
        await opened.close();
      };
    } else {
      const root = await mkdtemp(join(tmpdir(), 'shepherd-config-db-'));
      await cp(inject('pgliteTemplate'), join(root, 'db'), { recursive: true });
      store = await openPglite({ dataDir: join(root, 'db') });
      const opened = store;
      cleanup = async () => {
        await opened.close();
        await rm(root, { recursive: true, force: true });
      };
    }
  });
  afterEach(async () => {
    await store?.query(`TRUNCATE ${TABLES} CASCADE`);
  });
  afterAll(async () => {
    await cleanup();
  });
  return {
    get store(): SqlStore {
      if (store === undefined) throw new Error('the test database is not open (used outside a test?)');
      return store;
    },
  };
}

/** A store that counts the statements run through it, and how many of them write. */
export interface CountingStore {
  readonly store: SqlStore;
  readonly statements: string[];
  writes(): number;
  reset(): void;
}

const WRITE = /^\s*(INSERT|UPDATE|DELETE)\b|^\s*WITH\b[\s\S]*\b(INSERT|UPDATE|DELETE)\b/i;

/** Wraps `inner` so every statement (also inside transactions) is recorded. */
export function countingStore(inner: SqlStore): CountingStore {
  const statements: string[] = [];
  const counted = (executor: SqlExecutor): SqlExecutor => ({
    query<R extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      statements.push(sql);
      return executor.query<R>(sql, params);
    },
  });
  const store: SqlStore = {
    ...counted(inner),
    transaction: (fn, opts) => inner.transaction((tx) => fn(counted(tx)), opts),
    migrate: (dir) => inner.migrate(dir),
    close: () => inner.close(),
    get dialect() {
      return inner.dialect;
    },
  };
  return {
    store,
    statements,
    writes: () => statements.filter((sql) => WRITE.test(sql)).length,
    reset: () => void statements.splice(0),
  };
}
