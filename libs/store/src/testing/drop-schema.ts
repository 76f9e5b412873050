import { connectPostgres } from '../postgres/postgres-store.js';
import type { SqlExecutor } from '../sql-store.js';

// What uniqueName makes: safe to put between double quotes without escaping.
const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Drops `schema` and everything in it (`IF EXISTS`, `CASCADE`) through `executor`.
 * @throws Error when `schema` is not a plain lower-case identifier (as `uniqueName` makes), or `public`
 */
export async function dropSchemaWith(executor: SqlExecutor, schema: string): Promise<void> {
  if (!PLAIN_IDENTIFIER.test(schema) || schema === 'public') {
    throw new Error(`schema must be a plain lower-case identifier other than public, got ${JSON.stringify(schema)}`);
  }
  await executor.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/**
 * Drops a test's PostgreSQL `schema` (see {@link dropSchemaWith}) over a connection of its own
 * to `databaseUrl`, closed before returning.
 */
export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const store = await connectPostgres({ url: databaseUrl, poolSize: 1 });
  try {
    await dropSchemaWith(store, schema);
  } finally {
    await store.close();
  }
}
