import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MigrationError } from '../errors.js';
import { DEFAULT_MIGRATIONS_DIR, loadMigrations, migrationChecksum } from './migration-loader.js';

describe('loadMigrations', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  const dirWith = async (files: Record<string, string>): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'shepherd-migrations-'));
    dirs.push(dir);
    for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
    return dir;
  };

  it('reads NNNN_name.sql files in numeric order with their checksums and ignores other files', async () => {
    const dir = await dirWith({ '0010_ten.sql': 'SELECT 10;', '0002_two.sql': 'SELECT 2;', 'README.md': '# notes' });
    expect(await loadMigrations(dir)).toEqual([
      { version: 2, id: '0002_two', name: 'two', sql: 'SELECT 2;', checksum: createHash('sha256').update('SELECT 2;').digest('hex') },
      { version: 10, id: '0010_ten', name: 'ten', sql: 'SELECT 10;', checksum: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
  });

  it('finds the package migrations by default', async () => {
    expect((await loadMigrations(DEFAULT_MIGRATIONS_DIR)).map((m) => m.id)).toContain('0001_agents');
  });

  it('gives CRLF and LF copies of a file the same checksum', () => {
    expect(migrationChecksum('A;\r\nB;\r\n')).toBe(migrationChecksum('A;\nB;\n'));
  });

  it('refuses a missing directory, a badly named .sql file and duplicate numbers', async () => {
    await expect(loadMigrations(join(tmpdir(), 'no-such-dir-shepherd'))).rejects.toBeInstanceOf(MigrationError);
    await expect(loadMigrations(await dirWith({ '1_short.sql': '' }))).rejects.toThrow(/not named NNNN_/);
    await expect(loadMigrations(await dirWith({ '0001_a.sql': '', '0001_b.sql': '' }))).rejects.toThrow(/share version 1/);
  });
});
