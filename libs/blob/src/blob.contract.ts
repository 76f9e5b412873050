import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BlobInfo, BlobStore } from './blob-store.js';
import {
  BlobIntegrityError,
  BlobNotFoundError,
  BlobRangeError,
  BlobTooLargeError,
  InvalidBlobArgumentError,
  InvalidBlobKeyError,
} from './errors.js';

/** How the contract suite gets stores from one adapter. */
export interface BlobContractTarget {
  /** A store whose data no other test sees; `maxBytes` as given, else the store default. */
  open(options?: { maxBytes?: number }): Promise<BlobStore>;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function digestOf(body: Readable): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of body) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

async function collect(infos: AsyncIterable<BlobInfo>): Promise<BlobInfo[]> {
  const all: BlobInfo[] = [];
  for await (const info of infos) all.push(info);
  return all;
}

async function keysOf(infos: AsyncIterable<BlobInfo>): Promise<string[]> {
  return (await collect(infos)).map((info) => info.key);
}

/** The behaviour every BlobStore adapter must show; test names are identical for all adapters. */
export function blobContract(adapter: string, target: BlobContractTarget): void {
  describe(`BlobStore contract (${adapter})`, () => {
    writeTests(target);
    failedAndConcurrentWriteTests(target);
    readTests(target);
    validationTests(target);
  });
}

/** Writing: round trip, streaming, empty bodies, overwrite. */
function writeTests(target: BlobContractTarget): void {
  it('put and get round-trip bytes with size and sha256', async () => {
    const store = await target.open();
    const bytes = randomBytes(10_000);
    const before = Date.now();
    const info = await store.put('pkg/agent/1.0.0.tar.gz', bytes, { contentType: 'application/gzip' });
    expect(info).toEqual({
      key: 'pkg/agent/1.0.0.tar.gz',
      size: bytes.length,
      sha256: sha256(bytes),
      contentType: 'application/gzip',
      createdAt: expect.any(Date),
    });
    expect(info.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    const read = await store.get('pkg/agent/1.0.0.tar.gz');
    expect(read.info).toEqual(info);
    expect(read.range).toBeUndefined();
    expect((await readAll(read.body)).equals(bytes)).toBe(true);
  });

  it('put streams a body of many chunks', async () => {
    const store = await target.open();
    const expected = createHash('sha256');
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 80; i++) {
        const chunk = randomBytes(64 * 1024);
        expected.update(chunk);
        yield chunk;
      }
    }
    const info = await store.put('big/blob', chunks());
    const sha = expected.digest('hex');
    expect(info).toMatchObject({ size: 5 * 1024 * 1024, sha256: sha, contentType: 'application/octet-stream' });
    expect(await digestOf((await store.get('big/blob')).body)).toEqual({ size: 5 * 1024 * 1024, sha256: sha });
  });

  it('stores an empty blob', async () => {
    const store = await target.open();
    const info = await store.put('empty', Readable.from([]));
    expect(info).toMatchObject({ size: 0, sha256: sha256(new Uint8Array()) });
    expect((await readAll((await store.get('empty')).body)).length).toBe(0);
    await expect(store.get('empty', { range: { start: 0 } })).rejects.toBeInstanceOf(BlobRangeError);
  });

  it('put overwrites an existing key', async () => {
    const store = await target.open();
    const first = await store.put('pkg/v', Buffer.from('first version'), { contentType: 'text/plain' });
    const second = randomBytes(5_000);
    const info = await store.put('pkg/v', Readable.from([second.subarray(0, 2_500), second.subarray(2_500)]));
    expect(info).toMatchObject({ size: 5_000, sha256: sha256(second), contentType: 'application/octet-stream' });
    expect(info.createdAt.getTime()).toBeGreaterThanOrEqual(first.createdAt.getTime());
    expect(await store.head('pkg/v')).toEqual(info);
    expect((await readAll((await store.get('pkg/v')).body)).equals(second)).toBe(true);
    expect(await keysOf(store.list('pkg/'))).toEqual(['pkg/v']);
  });
}

/** Writes that must store nothing, and readers during a write. */
function failedAndConcurrentWriteTests(target: BlobContractTarget): void {
  it('a put whose expectedSha256 differs stores nothing', async () => {
    const store = await target.open();
    const original = randomBytes(100);
    await store.put('kept', original);
    const other = randomBytes(100);
    for (const body of [other, Readable.from([other])]) {
      await expect(store.put('kept', body, { expectedSha256: sha256(original) })).rejects.toBeInstanceOf(
        BlobIntegrityError,
      );
      await expect(store.put('fresh', body, { expectedSha256: sha256(original) })).rejects.toBeInstanceOf(
        BlobIntegrityError,
      );
    }
    expect(await store.head('fresh')).toBeUndefined();
    expect((await readAll((await store.get('kept')).body)).equals(original)).toBe(true);
    expect((await store.put('fresh', other, { expectedSha256: sha256(other) })).sha256).toBe(sha256(other));
  });

  it('a put beyond maxBytes stores nothing and stops reading', async () => {
    const store = await target.open({ maxBytes: 1_000 });
    await expect(store.put('large', randomBytes(1_001))).rejects.toBeInstanceOf(BlobTooLargeError);
    let produced = 0;
    let stopped = false;
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) {
          produced += 300;
          yield randomBytes(300);
        }
      } finally {
        stopped = true;
      }
    }
    await expect(store.put('large', endless())).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(stopped).toBe(true);
    expect(produced).toBe(1_200);
    expect(await store.head('large')).toBeUndefined();
    expect((await store.put('large', randomBytes(1_000))).size).toBe(1_000);
  });

  it('readers see the previous content until a put completes', async () => {
    const store = await target.open();
    const old = await store.put('atomic', Buffer.from('old content'));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const halfway = new Promise<void>((resolve) => (reached = resolve));
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield randomBytes(256 * 1024);
      reached();
      await gate;
      yield randomBytes(256 * 1024);
    }
    const putting = store.put('atomic', slow());
    await halfway;
    expect(await store.head('atomic')).toEqual(old);
    expect((await readAll((await store.get('atomic')).body)).toString()).toBe('old content');
    expect(await collect(store.list('atom'))).toEqual([old]);
    release();
    const info = await putting;
    expect(await store.head('atomic')).toEqual(info);
    expect(info.size).toBe(512 * 1024);
  });
}

/** Reading: ranges, head, delete, list and absent keys. */
function readTests(target: BlobContractTarget): void {
  it('get serves byte ranges', async () => {
    const store = await target.open();
    const bytes = randomBytes(1_000);
    await store.put('ranged', bytes);
    const cases = [
      { range: { start: 0, end: 9 }, served: { start: 0, end: 9 } },
      { range: { start: 100, end: 199 }, served: { start: 100, end: 199 } },
      { range: { start: 990 }, served: { start: 990, end: 999 } },
      { range: { start: 999, end: 999 }, served: { start: 999, end: 999 } },
      { range: { start: 995, end: 5_000 }, served: { start: 995, end: 999 } },
    ];
    for (const { range, served } of cases) {
      const read = await store.get('ranged', { range });
      expect(read.range).toEqual(served);
      expect(read.info).toMatchObject({ size: 1_000, sha256: sha256(bytes) });
      expect((await readAll(read.body)).equals(bytes.subarray(served.start, served.end + 1))).toBe(true);
    }
  });

  it('get rejects unsatisfiable and malformed ranges', async () => {
    const store = await target.open();
    await store.put('ranged', randomBytes(1_000));
    for (const start of [1_000, 5_000]) {
      const err = await store.get('ranged', { range: { start } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BlobRangeError);
      expect((err as BlobRangeError).size).toBe(1_000);
    }
    for (const range of [{ start: -1 }, { start: 1.5 }, { start: 10, end: 9 }]) {
      await expect(store.get('ranged', { range })).rejects.toBeInstanceOf(InvalidBlobArgumentError);
    }
  });

  it('head, delete and list with a prefix', async () => {
    const store = await target.open();
    const keys = ['pkg/a/2', 'other/1', 'pkg/a', 'pkg-x', 'pkg/b/1', 'pkg/a/1'];
    const infos = new Map<string, BlobInfo>();
    for (const key of keys) infos.set(key, await store.put(key, Buffer.from(key), { contentType: 'text/plain' }));
    expect(await store.head('pkg/a/1')).toEqual(infos.get('pkg/a/1'));
    expect(await store.head('pkg/a/3')).toBeUndefined();
    expect(await collect(store.list('pkg/'))).toEqual(['pkg/a', 'pkg/a/1', 'pkg/a/2', 'pkg/b/1'].map((k) => infos.get(k)));
    expect(await keysOf(store.list())).toEqual(['other/1', 'pkg-x', 'pkg/a', 'pkg/a/1', 'pkg/a/2', 'pkg/b/1']);
    expect(await keysOf(store.list('pkg'))).toEqual(['pkg-x', 'pkg/a', 'pkg/a/1', 'pkg/a/2', 'pkg/b/1']);
    expect(await keysOf(store.list('pkg/a/'))).toEqual(['pkg/a/1', 'pkg/a/2']);
    expect(await keysOf(store.list('nothing/'))).toEqual([]);
    expect(await store.delete('pkg/a')).toBe(true);
    expect(await store.delete('pkg/a')).toBe(false);
    expect(await store.head('pkg/a')).toBeUndefined();
    expect(await keysOf(store.list('pkg/a'))).toEqual(['pkg/a/1', 'pkg/a/2']);
  });

  it('get of an absent key throws BlobNotFoundError', async () => {
    const store = await target.open();
    await expect(store.get('absent/key')).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.get('absent/key', { range: { start: 0, end: 1 } })).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await store.head('absent/key')).toBeUndefined();
    expect(await store.delete('absent/key')).toBe(false);
  });
}

/** Argument validation. */
function validationTests(target: BlobContractTarget): void {
  it('rejects invalid keys with InvalidBlobKeyError', async () => {
    const store = await target.open();
    const tooLong = ['x'.repeat(201), `${'x/'.repeat(256)}x`];
    const invalid = ['', '/a', 'a/', 'a//b', '..', '../a', 'a/../b', './a', 'a b', 'a\\b', 'ä', 'a~blob/x', ...tooLong];
    for (const key of invalid) {
      await expect(store.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.head(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
    }
    for (const prefix of ['a b', '../', 'a//', '/a']) {
      await expect(collect(store.list(prefix))).rejects.toBeInstanceOf(InvalidBlobKeyError);
    }
    const longest = `${'y'.repeat(200)}/${'z'.repeat(200)}/${'w'.repeat(110)}`;
    expect((await store.put(longest, Buffer.from('ok'))).key).toBe(longest);
    expect(await keysOf(store.list())).toEqual([longest]);
  });

  it('rejects malformed put options and non-binary bodies, storing nothing', async () => {
    const store = await target.open();
    const bytes = Buffer.from('x');
    for (const options of [{ contentType: 'text/plain\r\nX-Evil: 1' }, { contentType: '' }, { expectedSha256: 'ABC' }]) {
      await expect(store.put('k', bytes, options)).rejects.toBeInstanceOf(InvalidBlobArgumentError);
    }
    await expect(store.put('k', Readable.from(['text chunk']))).rejects.toBeInstanceOf(InvalidBlobArgumentError);
    await expect(store.put('k', 42 as unknown as Uint8Array)).rejects.toBeInstanceOf(InvalidBlobArgumentError);
    expect(await store.head('k')).toBeUndefined();
  });
}
