import { testEngines } from '@shepherd/testing';
import { describe, expect, it } from 'vitest';
import { connectPostgres } from '../postgres/postgres-store.js';
import { ENGINES, useTestDatabase } from './test-database.js';

const opened: { engine: string; schema: string }[] = [];

describe.each(ENGINES)('useTestDatabase on %s', (engine) => {
  const db = useTestDatabase(engine, { tables: ['scratch'], schemaPrefix: 'tdb' });

  it('opens a migrated database of its own', async () => {
    const { rows } = await db.store.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0]?.n).toBeGreaterThan(0);
    const schema = await db.store.query<{ s: string }>('SELECT current_schema() AS s');
    opened.push({ engine, schema: schema.rows[0]?.s ?? '' });
    await db.store.query('CREATE TABLE scratch (id int)');
    await db.store.query('INSERT INTO scratch VALUES (1), (2)');
  });

  it('empties the listed tables after every test', async () => {
    expect((await db.store.query('SELECT id FROM scratch')).rows).toEqual([]);
  });
});

describe('useTestDatabase after its block', () => {
  it('dropped the PostgreSQL schema (named with the prefix)', async () => {
    const schema = opened.find((o) => o.engine === 'postgres')?.schema ?? '';
    expect(schema).toMatch(/^tdb_[0-9a-f]{12}$/);
    const admin = await connectPostgres({ url: testEngines.databaseUrl, poolSize: 1 });
    try {
      const { rows } = await admin.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
      expect(rows).toEqual([]);
    } finally {
      await admin.close();
    }
  });

  it('rejects table names that are not plain names before registering anything', () => {
    expect(() => useTestDatabase('pglite', { tables: ['agents; DROP TABLE x'], schemaPrefix: 'tdb' })).toThrow(/not a plain lower-case name/);
    expect(() => useTestDatabase('pglite', { tables: [], schemaPrefix: 'Bad-Prefix' })).toThrow(/not a plain lower-case name/);
  });
});
