import { join } from 'node:path';
import { StoreConfigError } from './errors.js';
import { openPglite } from './pglite/pglite-store.js';
import { connectPostgres } from './postgres/postgres-store.js';
import type { SqlStore } from './sql-store.js';

/** Options of {@link openStore}, as a service reads them from its configuration. */
export interface OpenStoreOptions {
  /** PostgreSQL URL (`DATABASE_URL`). When set, the store is PostgreSQL; otherwise embedded PGlite. */
  readonly url?: string | undefined;
  /** Service data directory (`DATA_DIR`); PGlite keeps its files in `${dataDir}/pglite`. */
  readonly dataDir: string;
  /** PostgreSQL schema to work in (see `connectPostgres`); ignored by PGlite. */
  readonly schema?: string | undefined;
  /** Most PostgreSQL connections (see `connectPostgres`); ignored by PGlite. */
  readonly poolSize?: number | undefined;
}

/**
 * Opens the store a deployment is configured for: `connectPostgres({ url, schema })` when `url`
 * is set (non-empty), else `openPglite({ dataDir: join(dataDir, 'pglite') })`. Throws what those
 * throw, and `StoreConfigError` when neither a URL nor a data directory is given.
 */
export async function openStore(options: OpenStoreOptions): Promise<SqlStore> {
  if (options.url !== undefined && options.url !== '') {
    return connectPostgres({
      url: options.url,
      ...(options.schema !== undefined ? { schema: options.schema } : {}),
      ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}),
    });
  }
  if (typeof options.dataDir !== 'string' || options.dataDir === '') {
    throw new StoreConfigError('openStore needs a database URL or a data directory');
  }
  return openPglite({ dataDir: join(options.dataDir, 'pglite') });
}
