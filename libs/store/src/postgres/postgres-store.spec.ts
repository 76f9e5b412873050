import { testEngines, uniqueName, waitFor } from '@shepherd/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StatementTimeoutError, StoreConfigError, StoreUnavailableError } from '../errors.js';
import type { SqlStore } from '../sql-store.js';
import { describeSqlStoreContract } from '../store.contract.js';
import { dropSchemaWith } from '../testing/drop-schema.js';
import { type PostgresStoreOptions, connectPostgres } from './postgres-store.js';

const url = testEngines.databaseUrl;
let admin: SqlStore;
const schemas: string[] = [];
const opened: SqlStore[] = [];

/** A store in a schema of its own; the schema is dropped after the test. */
async function openInFreshSchema(extra: Partial<PostgresStoreOptions> = {}, schema = uniqueName('store')): Promise<SqlStore> {
  if (!schemas.includes(schema)) schemas.push(schema);
  const store = await connectPostgres({ url, schema, ...extra });
  opened.push(store);
  return store;
}

beforeAll(async () => {
  admin = await connectPostgres({ url, poolSize: 2 }).catch((err: unknown) => {
    throw new Error(`PostgreSQL must be running at ${url} (set TEST_DATABASE_URL): ${String(err)}`, { cause: err });
  });
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  for (const schema of schemas.splice(0)) await dropSchemaWith(admin, schema);
});

afterAll(async () => {
  await admin?.close();
});

describeSqlStoreContract('postgres', { open: () => openInFreshSchema() });

describe('connectPostgres', () => {
  it('rejects an unreachable host fast with StoreUnavailableError naming the host, never the password', async () => {
    const started = Date.now();
    const err = await connectPostgres({ url: 'postgres://shepherd:hunter2-secret@nowhere:5432/x' }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(7000);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    const message = (err as Error).message;
    expect(message).toContain('nowhere:5432/x');
    expect(message).not.toContain('hunter2');
  });

  it('rejects a refused port with StoreUnavailableError', async () => {
    const err = await connectPostgres({ url: 'postgres://postgres:pw@127.0.0.1:1/test' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as Error).message).toMatch(/127\.0\.0\.1:1\/test is unavailable/);
  });

  it('rejects invalid options with StoreConfigError before connecting', async () => {
    await expect(connectPostgres({ url: 'mysql://x' })).rejects.toBeInstanceOf(StoreConfigError);
    await expect(connectPostgres({ url, schema: 'Bad-Name' })).rejects.toBeInstanceOf(StoreConfigError);
    await expect(connectPostgres({ url, poolSize: 0 })).rejects.toBeInstanceOf(StoreConfigError);
    const err = await connectPostgres({ url: 'postgres://u:topsecret@[bad' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreConfigError);
    expect((err as Error).message).not.toContain('topsecret');
  });

  it('concurrent migrate from two store instances on the same schema applies once', async () => {
    const schema = uniqueName('store');
    const [a, b] = await Promise.all([openInFreshSchema({}, schema), openInFreshSchema({}, schema)]);
    const results = await Promise.all([a.migrate(), b.migrate()]);
    const applied = results.map((r) => r.applied).sort((x, y) => x.length - y.length);
    expect(applied[0]).toEqual([]);
    expect(applied[1]![0]).toBe('0001_agents');
    expect(results[0]!.current).toBe(results[1]!.current);
    const { rows } = await a.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0]!.n).toBe(applied[1]!.length);
  });

  it('keeps each schema separate through search_path', async () => {
    const a = await openInFreshSchema();
    const b = await openInFreshSchema();
    await a.query('CREATE TABLE only_in_a (id int)');
    await expect(b.query('SELECT * FROM only_in_a')).rejects.toMatchObject({ sqlState: '42P01' });
    expect((await a.query('SELECT * FROM only_in_a')).rows).toEqual([]);
  });

  it('migrates with a pool of one connection', async () => {
    const store = await openInFreshSchema({ poolSize: 1 });
    expect((await store.migrate()).applied[0]).toBe('0001_agents');
  });

  it('maps a statement timeout to StatementTimeoutError', async () => {
    const store = await openInFreshSchema({ statementTimeoutMs: 50 });
    await expect(store.query('SELECT pg_sleep(2)')).rejects.toBeInstanceOf(StatementTimeoutError);
    expect((await store.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('survives a server-side disconnect of idle and checked-out connections', async () => {
    const applicationName = uniqueName('dropped');
    const background: Error[] = [];
    const store = await openInFreshSchema({ applicationName, onBackgroundError: (err) => background.push(err) });
    await store.query('CREATE TABLE items (id int)');
    const terminate = (): Promise<unknown> =>
      admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);

    await terminate();
    await waitFor(() => background.length > 0, { description: 'the idle connection error to be reported' });
    expect(background[0]).toBeInstanceOf(StoreUnavailableError);

    let terminated!: () => void;
    const done = new Promise<void>((resolve) => (terminated = resolve));
    const tx = store.transaction(async (t) => {
      await t.query('INSERT INTO items VALUES (1)');
      void terminate().then(() => terminated());
      await done;
      await waitFor(() => background.length > 1, { description: 'the checked-out connection error' });
      await t.query('INSERT INTO items VALUES (2)');
    });
    await expect(tx).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await store.query('SELECT count(*)::int AS n FROM items')).rows).toEqual([{ n: 0 }]);
  });
});
