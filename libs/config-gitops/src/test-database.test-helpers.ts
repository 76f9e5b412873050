import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectPostgres, openPglite, type SqlStore } from '@shepherd/store';
import { testEngines, uniqueName } from '@shepherd/testing';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';

/** The two engines every store-touching test runs on. */
export const ENGINES = ['postgres', 'pglite'] as const;
export type EngineName = (typeof ENGINES)[number];

/** A migrated database for the tests of one describe block, emptied after every test. */
export interface TestDatabase {
  /** The store; valid between beforeAll and afterAll. */
  readonly store: SqlStore;
}

const TABLES = 'gitops_directories, gitops_sync_leases, agent_config_status, agent_config_state, config_assignments, config_versions, agents';

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
      const schema = uniqueName('gitops');
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
      const root = await mkdtemp(join(tmpdir(), 'shepherd-gitops-db-'));
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
