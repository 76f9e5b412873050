import { cp, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueName } from '@shepherd/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StoreConfigError } from '../errors.js';
import type { SqlStore } from '../sql-store.js';
import { describeSqlStoreContract } from '../store.contract.js';
import { openPglite } from './pglite-store.js';

// Creating a PGlite cluster (initdb in WASM) takes seconds; opening a copy of a blank one takes
// well under one. So the contract runs each test on a fresh copy of a cluster made once.
let root: string;
let blankCluster: string;
const copies: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'shepherd-pglite-contract-'));
  blankCluster = join(root, 'blank');
  await (await openPglite({ dataDir: blankCluster })).close();
});

afterEach(async () => {
  await Promise.all(copies.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describeSqlStoreContract('pglite', {
  open: async () => {
    const dataDir = join(root, uniqueName('db'));
    copies.push(dataDir);
    await cp(blankCluster, dataDir, { recursive: true });
    return openPglite({ dataDir });
  },
});

describe('openPglite', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'shepherd-pglite-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  };
  const track = (store: SqlStore): SqlStore => (cleanups.push(() => store.close()), store);

  it('keeps data on disk: a reopened store sees it', async () => {
    const dataDir = join(await tempDir(), 'nested', 'pglite');
    const first = track(await openPglite({ dataDir }));
    await first.migrate();
    const uid = '6f1e2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b';
    await first.query('INSERT INTO agents (instance_uid, capabilities) VALUES ($1, $2)', [uid, 2n ** 63n - 1n]);
    await first.close();
    expect((await stat(dataDir)).isDirectory()).toBe(true);

    const second = track(await openPglite({ dataDir }));
    expect(await second.migrate()).toMatchObject({ applied: [] });
    const { rows } = await second.query('SELECT instance_uid, capabilities FROM agents');
    expect(rows).toEqual([{ instance_uid: uid, capabilities: 2n ** 63n - 1n }]);
  });

  it('runs in memory when no dataDir is given', async () => {
    const store = track(await openPglite());
    expect(store.dialect).toBe('pglite');
    expect((await store.migrate()).applied[0]).toBe('0001_agents');
    expect((await store.query('SELECT $1::int8 AS v', [2n ** 63n - 1n])).rows).toEqual([{ v: 2n ** 63n - 1n }]);
  });

  it('makes statements from elsewhere wait while a transaction holds the connection', async () => {
    const store = track(await openPglite());
    await store.query('CREATE TABLE items (id int)');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertDone = new Promise<void>((resolve) => (inserted = resolve));
    const tx = store.transaction(async (t) => {
      await t.query('INSERT INTO items VALUES (1)');
      inserted();
      await held;
    });
    await insertDone;
    let counted: number | undefined;
    const count = store.query<{ n: number }>('SELECT count(*)::int AS n FROM items').then((r) => (counted = r.rows[0]!.n));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(counted).toBeUndefined();
    release();
    await tx;
    await count;
    expect(counted).toBe(1);
  });

  it('rejects invalid options with StoreConfigError', async () => {
    await expect(openPglite({ dataDir: '' })).rejects.toBeInstanceOf(StoreConfigError);
    await expect(openPglite({ dataDir: 'memory://x' })).rejects.toBeInstanceOf(StoreConfigError);
    await expect(openPglite({ maxPending: 0 })).rejects.toBeInstanceOf(StoreConfigError);
  });
});
