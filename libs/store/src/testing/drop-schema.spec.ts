import { testEngines, uniqueName } from '@shepherd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres } from '../postgres/postgres-store.js';
import type { SqlStore } from '../sql-store.js';
import { dropSchema, dropSchemaWith } from './drop-schema.js';

let admin: SqlStore;

beforeAll(async () => {
  admin = await connectPostgres({ url: testEngines.databaseUrl, poolSize: 1 });
});

afterAll(async () => {
  await admin?.close();
});

async function schemaExists(schema: string): Promise<boolean> {
  const { rows } = await admin.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
  return rows.length === 1;
}

describe('dropSchema', () => {
  it('drops a schema with its tables, and is a no-op for a schema that does not exist', async () => {
    const schema = uniqueName('drop');
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.query(`CREATE TABLE "${schema}".t (id int)`);

    await dropSchema(testEngines.databaseUrl, schema);

    expect(await schemaExists(schema)).toBe(false);
    await expect(dropSchema(testEngines.databaseUrl, schema)).resolves.toBeUndefined();
  });

  it('refuses names that would need quoting, and public', async () => {
    for (const schema of ['public', 'Bad', 'a"; DROP TABLE x; --', '']) {
      await expect(dropSchemaWith(admin, schema)).rejects.toThrow(/plain lower-case identifier/);
    }
    expect(await schemaExists('public')).toBe(true);
  });
});
