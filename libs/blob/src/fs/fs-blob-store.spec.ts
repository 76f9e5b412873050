import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobContract } from '../blob.contract.js';
import { BlobCorruptError, BlobStoreConfigError } from '../errors.js';
import { openFsBlobStore } from './fs-blob-store.js';

let base: string;
let stores = 0;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'shepherd-blob-fs-'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

blobContract('fs', {
  open: (options = {}) => openFsBlobStore({ root: join(base, `store-${++stores}`), ...options }),
});

describe('filesystem blob store', () => {
  it('keeps one file per blob and no temp files after failed puts', async () => {
    const root = join(base, 'layout');
    const store = await openFsBlobStore({ root, maxBytes: 10 });
    await store.put('pkg/a', Buffer.from('a'));
    await store.put('pkg/a/b', Buffer.from('b'));
    await expect(store.put('pkg/c', Buffer.alloc(11))).rejects.toThrow();
    expect((await readdir(join(root, 'pkg'))).sort()).toEqual(['a', 'a~blob']);
    expect(await readdir(join(root, 'pkg', 'a'))).toEqual(['b~blob']);
  });

  it('reports a damaged blob file as BlobCorruptError', async () => {
    const root = join(base, 'damaged');
    const store = await openFsBlobStore({ root });
    await store.put('x', Buffer.from('content'));
    await writeFile(join(root, 'x~blob'), 'not a blob file');
    await expect(store.get('x')).rejects.toBeInstanceOf(BlobCorruptError);
    await expect(store.head('x')).rejects.toBeInstanceOf(BlobCorruptError);
  });

  it('rejects a relative root or a bad maxBytes with BlobStoreConfigError', async () => {
    await expect(openFsBlobStore({ root: 'relative/dir' })).rejects.toBeInstanceOf(BlobStoreConfigError);
    await expect(openFsBlobStore({ root: join(base, 'm'), maxBytes: 0 })).rejects.toBeInstanceOf(BlobStoreConfigError);
  });
});
