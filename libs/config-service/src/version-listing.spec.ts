import { describe, expect, it } from 'vitest';
import { type ConfigQueries, createConfigQueries } from './config-queries.js';
import { ConfigVersionNotFoundError, InvalidConfigQueryError } from './query-errors.js';
import { T0, insertVersion, yamlFiles } from './read-side-fixtures.test-helpers.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

const at = (ms: number): Date => new Date(T0 + ms);

describe.each(ENGINES)('config versions listing and detail on %s', (engine) => {
  const db = useTestDatabase(engine);
  const queries = (): ConfigQueries => createConfigQueries({ store: db.store });

  it('lists newest first with metadata, origin, file names and byte sizes, without bodies', async () => {
    const older = await insertVersion(db.store, { files: yamlFiles('a: 1\n'), at: at(0), author: 'bob' });
    const newer = await insertVersion(db.store, {
      files: [
        { name: 'b.yaml', contentType: 'text/yaml', body: 'ä: ü\n' },
        { name: 'a.yaml', contentType: '', body: 'x' },
      ],
      at: at(1000),
      label: 'v1.4.0',
      name: 'edge',
      description: 'tail sampling on',
      origin: { type: 'git', repository: 'ssh://git@example.com/cfg.git', branch: 'main', commit: 'c0ffee', path: 'edge' },
    });

    const page = await queries().listVersions({ tenantId: 'default' });

    expect(page.next).toBeUndefined();
    expect(page.versions).toEqual([
      {
        hash: newer,
        label: 'v1.4.0',
        name: 'edge',
        description: 'tail sampling on',
        author: 'alice',
        createdAt: at(1000).toISOString(),
        origin: { type: 'git', repository: 'ssh://git@example.com/cfg.git', branch: 'main', commit: 'c0ffee', path: 'edge' },
        files: [
          { name: 'a.yaml', contentType: '', size: 1 },
          { name: 'b.yaml', contentType: 'text/yaml', size: Buffer.byteLength('ä: ü\n') },
        ],
      },
      {
        hash: older,
        label: null,
        name: null,
        description: null,
        author: 'bob',
        createdAt: at(0).toISOString(),
        origin: { type: 'api' },
        files: [{ name: 'collector.yaml', contentType: 'text/yaml', size: 5 }],
      },
    ]);
  });

  it('pages with the next cursor, exactly, also across versions created within the same microsecond', async () => {
    const hashes: string[] = [];
    for (let i = 0; i < 5; i++) hashes.push(await insertVersion(db.store, { files: yamlFiles(`n: ${i}\n`), at: '2030-01-01T00:00:00.123456Z' }));
    hashes.push(await insertVersion(db.store, { files: yamlFiles('n: late\n'), at: '2030-01-01T00:00:00.123457Z' }));
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await queries().listVersions({ tenantId: 'default', limit: 2, ...(after === undefined ? {} : { after }) });
      seen.push(...page.versions.map((v) => v.hash));
      after = page.next;
      pages += 1;
    } while (after !== undefined);
    expect(pages).toBe(3);
    expect(seen[0]).toBe(hashes[5]);
    expect(seen.slice(1)).toEqual(hashes.slice(0, 5).sort());
  });

  it("never shows another tenant's versions, even with the same content", async () => {
    const hash = await insertVersion(db.store, { tenantId: 'acme', files: yamlFiles('a: 1\n') });
    await insertVersion(db.store, { tenantId: 'default', files: yamlFiles('b: 2\n') });
    const acme = await queries().listVersions({ tenantId: 'acme' });
    expect(acme.versions.map((v) => v.hash)).toEqual([hash]);
    await expect(queries().getVersion('other', hash)).rejects.toBeInstanceOf(ConfigVersionNotFoundError);
    expect((await queries().getVersion('acme', hash)).hash).toBe(hash);
  });

  it('gets one version with its file bodies, the hash accepted in upper case', async () => {
    const binary = Buffer.from([0xff, 0x00, 0x01]).toString('base64');
    const hash = await insertVersion(db.store, { files: yamlFiles('receivers: {}\n'), label: 'v2' });
    await db.store.query(
      `UPDATE config_versions SET files = files || $2::jsonb WHERE hash = $1`,
      [hash, JSON.stringify([{ name: 'z.bin', contentType: 'application/octet-stream', body: binary, encoding: 'base64' }])],
    );
    const version = await queries().getVersion('default', hash.toUpperCase());
    expect(version).toMatchObject({ hash, label: 'v2', origin: { type: 'api' } });
    expect(version.files).toEqual([
      { name: 'collector.yaml', contentType: 'text/yaml', body: 'receivers: {}\n', encoding: 'utf8', size: 14 },
      { name: 'z.bin', contentType: 'application/octet-stream', body: binary, encoding: 'base64', size: 3 },
    ]);
    const listed = await queries().listVersions({ tenantId: 'default' });
    expect(listed.versions[0]!.files.map((f) => f.size)).toEqual([14, 3]);
  });

  it('answers ConfigVersionNotFoundError for an unknown hash and refuses bad input naming the field', async () => {
    await expect(queries().getVersion('default', 'ab'.repeat(32))).rejects.toThrow(ConfigVersionNotFoundError);
    await expect(queries().getVersion('default', 'xyz')).rejects.toThrow(/hash must be a config hash/);
    await expect(queries().listVersions({ tenantId: 'default', limit: 1001 })).rejects.toThrow(/limit must be an integer in 1\.\.1000/);
    await expect(queries().listVersions({ tenantId: 'default', limit: 0 })).rejects.toBeInstanceOf(InvalidConfigQueryError);
    await expect(queries().listVersions({ tenantId: '' })).rejects.toThrow(/tenantId/);
    for (const after of ['garbage', Buffer.from('["x","y"]').toString('base64url'), 'a'.repeat(600)]) {
      await expect(queries().listVersions({ tenantId: 'default', after })).rejects.toThrow(/after must be the `next` cursor/);
    }
  });
});
