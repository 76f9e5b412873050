import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEngines, uniqueName } from '@shepherd/testing';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { openPglite } from '../pglite/pglite-store.js';
import { connectPostgres } from '../postgres/postgres-store.js';
import type { SqlStore } from '../sql-store.js';
import { dropSchemaWith } from './drop-schema.js';
import './provided-context.js';

/** The two engines every store-touching test runs on (`describe.each(ENGINES)`). */
export const ENGINES = ['postgres', 'pglite'] as const;
export type EngineName = (typeof ENGINES)[number];

/** A migrated database for the tests of one describe block, emptied after every test. */
export interface TestDatabase {
  /** The store; valid between beforeAll and afterAll. */
  readonly store: SqlStore;
}

/** Options of {@link useTestDatabase}. */
export interface TestDatabaseOptions {
  /** Tables emptied (`TRUNCATE … CASCADE`) after every test; plain lower-case names. */
  readonly tables: readonly string[];
  /** Start of the PostgreSQL schema's unique name, and of the PGlite copy's directory name. */
  readonly schemaPrefix: string;
}

const PLAIN_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Registers hooks that open a migrated database on `engine` once (PostgreSQL at
 * `testEngines.databaseUrl`: a schema of its own; PGlite: a copy of the run's template cluster,
 * which needs the `@shepherd/store/pglite-template` global setup), empty `tables` after each
 * test, and drop the database after the block.
 * @throws Error at once when a table name or the prefix is not a plain lower-case name
 */
export function useTestDatabase(engine: EngineName, options: TestDatabaseOptions): TestDatabase {
  const { tables, schemaPrefix } = options;
  for (const name of [...tables, schemaPrefix]) {
    if (!PLAIN_NAME.test(name)) throw new Error(`useTestDatabase: ${JSON.stringify(name)} is not a plain lower-case name`);
  }
  let store: SqlStore | undefined;
  let cleanup: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    const opened = engine === 'postgres' ? await openPostgresSchema(schemaPrefix) : await openPgliteCopy(schemaPrefix);
    store = opened.store;
    cleanup = opened.cleanup;
  });
  afterEach(async () => {
    if (tables.length > 0) await store?.query(`TRUNCATE ${tables.join(', ')} CASCADE`);
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

interface OpenedDatabase {
  readonly store: SqlStore;
  readonly cleanup: () => Promise<void>;
}

async function openPostgresSchema(prefix: string): Promise<OpenedDatabase> {
  const schema = uniqueName(prefix);
  const store = await connectPostgres({ url: testEngines.databaseUrl, schema, poolSize: 4 }).catch((err: unknown) => {
    throw new Error(`PostgreSQL must be running at ${testEngines.databaseUrl} (set TEST_DATABASE_URL): ${String(err)}`, { cause: err });
  });
  await store.migrate();
  return {
    store,
    cleanup: async () => {
      await dropSchemaWith(store, schema);
      await store.close();
    },
  };
}

async function openPgliteCopy(prefix: string): Promise<OpenedDatabase> {
  const root = await mkdtemp(join(tmpdir(), `shepherd-${prefix}-db-`));
  await cp(inject('pgliteTemplate'), join(root, 'db'), { recursive: true });
  const store = await openPglite({ dataDir: join(root, 'db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
