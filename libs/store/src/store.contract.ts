import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CheckViolationError,
  ForeignKeyViolationError,
  MigrationChecksumError,
  NestedTransactionError,
  NotNullViolationError,
  QueryError,
  StoreClosedError,
  TransactionAbortedError,
  TransactionFinishedError,
  UniqueViolationError,
} from './errors.js';
import { DEFAULT_MIGRATIONS_DIR } from './migrations/migration-loader.js';
import type { SqlExecutor, SqlStore } from './sql-store.js';

/** How the contract suite gets stores from one adapter. */
export interface SqlStoreContractTarget {
  /** A store over a fresh, empty database (or schema) that no other test sees. */
  open(): Promise<SqlStore>;
}

const INT8_MAX = 2n ** 63n - 1n;
const INT8_MIN = -(2n ** 63n);

/** The behaviour every SqlStore adapter must show; test names are identical for all adapters. */
export function describeSqlStoreContract(name: string, target: SqlStoreContractTarget): void {
  describe(`SqlStore contract (${name})`, () => {
    const opened: SqlStore[] = [];
    const open = async (): Promise<SqlStore> => {
      const store = await target.open();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });
    migrationTests(open);
    typeTests(open);
    transactionTests(open);
    errorAndLifecycleTests(open);
    schemaTests(open);
  });
}

type Open = () => Promise<SqlStore>;

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'shepherd-store-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function tablesOf(db: SqlExecutor): Promise<string[]> {
  const { rows } = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name);
}

/** Ids (`NNNN_name`) of the shipped migrations, in order. */
async function shippedMigrations(): Promise<string[]> {
  return (await readdir(DEFAULT_MIGRATIONS_DIR))
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => file.slice(0, -'.sql'.length));
}

function migrationTests(open: Open): void {
  it('migrate applies every shipped migration in order and records each', async () => {
    const store = await open();
    const ids = await shippedMigrations();
    expect(ids[0]).toBe('0001_agents');
    expect(await store.migrate()).toEqual({ applied: ids, current: ids.at(-1) });
    expect(await tablesOf(store)).toEqual(expect.arrayContaining(['agents', 'audit_log', 'schema_migrations']));
    const { rows } = await store.query('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version');
    const expected = await Promise.all(
      ids.map(async (id) => ({
        version: Number(id.slice(0, 4)),
        name: id.slice(5),
        checksum: createHash('sha256').update(await readFile(join(DEFAULT_MIGRATIONS_DIR, `${id}.sql`), 'utf8')).digest('hex'),
        applied_at: expect.any(Date),
      })),
    );
    expect(rows).toEqual(expected);
  });

  it('leaves room on the pages of the tables updated per agent report, for heap-only updates', async () => {
    const store = await open();
    await store.migrate();
    const { rows } = await store.query<{ relname: string; reloptions: string[] | null }>(
      `SELECT c.relname, c.reloptions FROM pg_class c
        WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
          AND c.relname IN ('agents', 'agent_config_state', 'agent_config_status') ORDER BY c.relname`,
    );
    expect(rows).toEqual([
      { relname: 'agent_config_state', reloptions: ['fillfactor=80'] },
      { relname: 'agent_config_status', reloptions: ['fillfactor=80'] },
      { relname: 'agents', reloptions: ['fillfactor=70'] },
    ]);
  });

  it('migrate again is a no-op', async () => {
    const store = await open();
    await store.migrate();
    const ids = await shippedMigrations();
    expect(await store.migrate()).toEqual({ applied: [], current: ids.at(-1) });
    const { rows } = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0]!.n).toBe(ids.length);
  });

  it('a changed checksum is refused', async () => {
    const store = await open();
    await withTempDir(async (dir) => {
      await writeFile(join(dir, '0001_first.sql'), 'CREATE TABLE first_t (id int PRIMARY KEY);\n');
      expect(await store.migrate(dir)).toEqual({ applied: ['0001_first'], current: '0001_first' });
      await writeFile(join(dir, '0001_first.sql'), 'CREATE TABLE first_t (id bigint PRIMARY KEY);\n');
      await writeFile(join(dir, '0002_second.sql'), 'CREATE TABLE second_t (id int);\n');
      const err = await store.migrate(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationChecksumError);
      expect((err as Error).message).toContain('0001_first');
      // Refused before anything ran: the pending 0002 was not applied either.
      expect(await tablesOf(store)).toEqual(['first_t', 'schema_migrations']);
    });
  });

  it('a failing migration is rolled back and the earlier ones stay applied', async () => {
    const store = await open();
    await withTempDir(async (dir) => {
      await writeFile(join(dir, '0001_good.sql'), 'CREATE TABLE good_t (id int);\n');
      await writeFile(join(dir, '0002_bad.sql'), 'CREATE TABLE bad_t (id int);\nSELECT no_such_column FROM good_t;\n');
      await expect(store.migrate(dir)).rejects.toThrow(/migration 0002_bad failed/);
      expect(await tablesOf(store)).toEqual(['good_t', 'schema_migrations']);
      await writeFile(join(dir, '0002_bad.sql'), 'CREATE TABLE bad_t (id int);\n');
      expect(await store.migrate(dir)).toEqual({ applied: ['0002_bad'], current: '0002_bad' });
    });
  });
}

function typeTests(open: Open): void {
  it('parameterised query round trip of every type', async () => {
    const store = await open();
    await store.query(`CREATE TABLE every_type (
      id uuid PRIMARY KEY, big bigint, small_big bigint, neg_big bigint, doc jsonb, list jsonb, raw bytea,
      at timestamptz, flag boolean, tags text[], bigs bigint[], day date, n int, ratio float8, label text)`);
    const row = {
      id: randomUUID(),
      big: INT8_MAX,
      small_big: 42n,
      neg_big: INT8_MIN,
      doc: { name: 'otelcol', nested: { n: 1, ok: true, list: [1, 'two', null] }, quote: 'a"b\\c' },
      list: [1, { a: 'b' }],
      raw: Buffer.from([0, 1, 127, 128, 255]),
      at: new Date('2024-02-29T23:59:58.123Z'),
      flag: true,
      tags: ['plain', 'with space', 'comma,inside', 'quote"d', 'back\\slash', '', null, 'ünï'],
      bigs: [INT8_MAX, -1n, null],
      day: '2024-02-29',
      n: -7,
      ratio: 0.25,
      label: "it's",
    };
    const inserted = await store.query(
      `INSERT INTO every_type VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [row.id, row.big, row.small_big, row.neg_big, row.doc, JSON.stringify(row.list), row.raw, row.at, row.flag,
        row.tags, row.bigs, row.day, row.n, row.ratio, row.label],
    );
    expect(inserted.rowCount).toBe(1);
    const { rows } = await store.query('SELECT * FROM every_type WHERE id = $1', [row.id]);
    expect(rows).toEqual([row]);
    const back = rows[0]!;
    expect(typeof back['big']).toBe('bigint');
    expect(typeof back['small_big']).toBe('bigint');
    expect(Buffer.isBuffer(back['raw'])).toBe(true);
    expect(back['at']).toBeInstanceOf(Date);
  });

  it('values computed by the database decode the same way', async () => {
    const store = await open();
    const { rows } = await store.query(
      `SELECT count(*) AS c, 1::int4 AS i, 9223372036854775807::int8 AS big, '{"a":[1]}'::jsonb AS j,
              '\\xdeadbeef'::bytea AS b, '2024-01-02 03:04:05.678+02'::timestamptz AS t, '2024-01-02'::date AS d,
              ARRAY['a', NULL]::text[] AS arr, 1.50::numeric AS num, '00000000-0000-0000-0000-000000000001'::uuid AS u,
              $1::text AS p, $2::int8 AS pbig, $3::jsonb AS pj`,
      ['text param', 5n, { k: 'v' }],
    );
    expect(rows).toEqual([
      {
        c: 1n,
        i: 1,
        big: INT8_MAX,
        j: { a: [1] },
        b: Buffer.from('deadbeef', 'hex'),
        t: new Date('2024-01-02T01:04:05.678Z'),
        d: '2024-01-02',
        arr: ['a', null],
        num: '1.50',
        u: '00000000-0000-0000-0000-000000000001',
        p: 'text param',
        pbig: 5n,
        pj: { k: 'v' },
      },
    ]);
  });

  it('rowCount counts returned and changed rows', async () => {
    const store = await open();
    await store.query('CREATE TABLE counted (id int PRIMARY KEY, v text)');
    expect((await store.query('INSERT INTO counted VALUES (1, $1), (2, $1), (3, $1)', ['a'])).rowCount).toBe(3);
    expect((await store.query('UPDATE counted SET v = $1 WHERE id > 1', ['b'])).rowCount).toBe(2);
    expect((await store.query('SELECT * FROM counted')).rowCount).toBe(3);
    expect((await store.query('DELETE FROM counted WHERE id = 99')).rowCount).toBe(0);
  });
}

function transactionTests(open: Open): void {
  it('transaction commit', async () => {
    const store = await open();
    await store.query('CREATE TABLE items (id int PRIMARY KEY)');
    const result = await store.transaction(async (tx) => {
      await tx.query('INSERT INTO items VALUES (1), (2)');
      return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM items')).rows[0]!.n;
    });
    expect(result).toBe(2);
    expect((await store.query('SELECT id FROM items ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('rollback on throw leaves nothing', async () => {
    const store = await open();
    await store.query('CREATE TABLE items (id int PRIMARY KEY)');
    const boom = new Error('boom');
    const err = await store
      .transaction(async (tx) => {
        await tx.query('INSERT INTO items VALUES (1)');
        throw boom;
      })
      .catch((e: unknown) => e);
    expect(err).toBe(boom);
    expect((await store.query('SELECT * FROM items')).rows).toEqual([]);
  });

  it('a commit after a failed statement is refused with TransactionAbortedError', async () => {
    const store = await open();
    await store.query('CREATE TABLE items (id int PRIMARY KEY)');
    const attempt = store.transaction(async (tx) => {
      await tx.query('INSERT INTO items VALUES (1)');
      await tx.query('INSERT INTO items VALUES (1)').catch(() => undefined);
    });
    await expect(attempt).rejects.toBeInstanceOf(TransactionAbortedError);
    expect((await store.query('SELECT * FROM items')).rows).toEqual([]);
  });

  it('nested transaction → NestedTransactionError', async () => {
    const store = await open();
    await store.query('CREATE TABLE items (id int PRIMARY KEY)');
    const seen: unknown[] = [];
    const outer = store.transaction(async (tx) => {
      await tx.query('INSERT INTO items VALUES (1)');
      seen.push(await store.transaction(async () => 'inner').catch((e: unknown) => e));
      seen.push(await store.query('SELECT 1').catch((e: unknown) => e));
      throw seen[0];
    });
    await expect(outer).rejects.toBeInstanceOf(NestedTransactionError);
    expect(seen[0]).toBeInstanceOf(NestedTransactionError);
    expect(seen[1]).toBeInstanceOf(NestedTransactionError);
    expect((await store.query('SELECT * FROM items')).rows).toEqual([]);
  });

  it('a transaction handle used after its transaction ended throws TransactionFinishedError', async () => {
    const store = await open();
    const leaked = await store.transaction(async (tx) => tx);
    await expect(leaked.query('SELECT 1')).rejects.toBeInstanceOf(TransactionFinishedError);
  });

  it('concurrent transactions incrementing a counter end at exactly 20', async () => {
    const store = await open();
    await store.query('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)');
    await store.query('INSERT INTO counter VALUES (1, 0)');
    const increment = (): Promise<void> =>
      store.transaction(
        async (tx) => {
          const { rows } = await tx.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
          await tx.query('UPDATE counter SET n = $1 WHERE id = 1', [rows[0]!.n + 1]);
        },
        { isolation: 'serializable', retryOnConflict: true, retries: 200 },
      );
    await Promise.all(Array.from({ length: 20 }, increment));
    expect((await store.query('SELECT n FROM counter')).rows).toEqual([{ n: 20 }]);
  });
}

function errorAndLifecycleTests(open: Open): void {
  it('unique violation → UniqueViolationError with constraint name', async () => {
    const store = await open();
    await store.query('CREATE TABLE named (id int, CONSTRAINT named_id_key UNIQUE (id))');
    await store.query('INSERT INTO named VALUES (1)');
    const err = await store.query('INSERT INTO named VALUES ($1)', [1]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UniqueViolationError);
    expect(err).toMatchObject({ code: 'UNIQUE_VIOLATION', kind: 'conflict', sqlState: '23505', constraint: 'named_id_key' });
  });

  it('other constraint violations and bad statements map to typed errors', async () => {
    const store = await open();
    await store.query('CREATE TABLE parent (id int PRIMARY KEY)');
    await store.query(`CREATE TABLE child (id int PRIMARY KEY, parent int REFERENCES parent (id),
      qty int NOT NULL CONSTRAINT qty_positive CHECK (qty > 0))`);
    const fail = (sql: string): Promise<unknown> => store.query(sql).catch((e: unknown) => e);
    expect(await fail('INSERT INTO child VALUES (1, 9, 1)')).toBeInstanceOf(ForeignKeyViolationError);
    expect(await fail('INSERT INTO child VALUES (1, NULL, NULL)')).toBeInstanceOf(NotNullViolationError);
    const check = await fail('INSERT INTO child VALUES (1, NULL, 0)');
    expect(check).toBeInstanceOf(CheckViolationError);
    expect(check).toMatchObject({ kind: 'invalid_argument', constraint: 'qty_positive' });
    const missing = await fail('SELECT FROM nowhere_table');
    expect(missing).toBeInstanceOf(QueryError);
    expect(missing).toMatchObject({ kind: 'internal', sqlState: '42P01' });
  });

  it('query after close → typed error', async () => {
    const store = await open();
    await store.close();
    await expect(store.query('SELECT 1')).rejects.toBeInstanceOf(StoreClosedError);
    await expect(store.transaction(async () => 1)).rejects.toBeInstanceOf(StoreClosedError);
    await expect(store.migrate()).rejects.toBeInstanceOf(StoreClosedError);
    await expect(store.close()).resolves.toBeUndefined();
  });

  it('close waits for running work', async () => {
    const store = await open();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const running = store.transaction(async (tx) => {
      await gate;
      return (await tx.query<{ x: number }>('SELECT 1 AS x')).rows[0]!.x;
    });
    let closed = false;
    const closing = store.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release();
    await expect(running).resolves.toBe(1);
    await closing;
    expect(closed).toBe(true);
  });
}

function schemaTests(open: Open): void {
  it('the agents/audit_log tables accept a realistic row', async () => {
    const store = await open();
    await store.migrate();
    const uid = randomUUID();
    const seen = new Date('2025-06-01T12:00:00.250Z');
    const upsert = `INSERT INTO agents (instance_uid, identifying, non_identifying, capabilities, sequence_num,
        connected, gateway_id, transport, last_seen_at, health)
      VALUES ($1, $2, $3, $4, $5, true, $6, 'websocket', $7, $8)
      ON CONFLICT (instance_uid) DO UPDATE SET sequence_num = EXCLUDED.sequence_num, updated_at = now()`;
    const identifying = { 'service.name': 'otelcol-contrib', 'service.instance.id': uid };
    const params = [uid, identifying, { 'os.type': 'linux', 'host.name': 'node-7' }, 0x3fffn, 1n, 'gw-1', seen,
      { healthy: true, start_time_unix_nano: '1717243200000000000' }];
    await store.query(upsert, params);
    await store.query(upsert, params.map((p, i) => (i === 4 ? 2n : p)));
    const { rows } = await store.query('SELECT * FROM agents WHERE identifying @> $1', [{ 'service.name': 'otelcol-contrib' }]);
    expect(rows).toEqual([
      expect.objectContaining({
        instance_uid: uid, tenant_id: 'default', identifying, capabilities: 0x3fffn, sequence_num: 2n, connected: true,
        gateway_id: 'gw-1', transport: 'websocket', last_seen_at: seen, effective_config: null,
        first_seen_at: expect.any(Date), updated_at: expect.any(Date),
      }),
    ]);
    const audit = await store.query<{ id: bigint }>(
      `INSERT INTO audit_log (tenant_id, actor, action, subject, after_hash, details)
       VALUES ('default', 'user:alice', 'agent.config.set', $1, $2, $3) RETURNING id`,
      [`agent:${uid}`, 'sha256:abc', { reason: 'rollout 7' }],
    );
    expect(audit.rows).toEqual([{ id: 1n }]);
    await expect(store.query('UPDATE audit_log SET actor = $1', ['mallory'])).rejects.toThrow(/append-only/);
    await expect(store.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  });
}
