import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEngines } from '@shepherd/testing';
import { describe, expect, it } from 'vitest';
import { StoreConfigError } from './errors.js';
import { openStore } from './open-store.js';

describe('openStore', () => {
  it('opens PostgreSQL when a URL is given', async () => {
    const store = await openStore({ url: testEngines.databaseUrl, dataDir: '/unused' });
    try {
      expect(store.dialect).toBe('postgres');
      expect((await store.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await store.close();
    }
  });

  it('opens at most poolSize PostgreSQL connections', async () => {
    const store = await openStore({ url: testEngines.databaseUrl, dataDir: '/unused', poolSize: 2 });
    try {
      const sql = 'SELECT pg_backend_pid() AS pid FROM pg_sleep(0.2)';
      const results = await Promise.all([1, 2, 3, 4].map(() => store.query<{ pid: number }>(sql)));
      expect(new Set(results.map((r) => r.rows[0]?.pid)).size).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('opens PGlite under dataDir/pglite when no URL is given', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'shepherd-open-store-'));
    try {
      const store = await openStore({ url: '', dataDir });
      expect(store.dialect).toBe('pglite');
      await store.close();
      expect((await stat(join(dataDir, 'pglite'))).isDirectory()).toBe(true);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('needs a URL or a data directory', async () => {
    await expect(openStore({ dataDir: '' })).rejects.toBeInstanceOf(StoreConfigError);
  });
});
