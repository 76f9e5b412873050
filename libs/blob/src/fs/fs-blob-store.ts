import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { Readable } from 'node:stream';
import { assertBlobKey, assertBlobPrefix, isBlobKeySegment } from '../blob-key.js';
import { assertExpectedSha256, writeBody, writeFully } from '../blob-body.js';
import { assertRange, resolveRange } from '../blob-range.js';
import type { BlobInfo, BlobRead, BlobStore, BlobBody, GetBlobOptions, PutBlobOptions } from '../blob-store.js';
import { BlobNotFoundError, BlobStoreConfigError } from '../errors.js';
import { resolvePutOptions } from '../put-arguments.js';
import { resolveMaxBytes } from '../store-options.js';
import { encodeTrailer, readTrailer } from './blob-file.js';

/** Options of {@link openFsBlobStore}. */
export interface FsBlobStoreOptions {
  /** Absolute directory holding the blobs (typically `DATA_DIR/blobs`); created if missing. */
  readonly root: string;
  /** Largest blob accepted (default 2 GiB). */
  readonly maxBytes?: number;
}

// `~` is outside the key alphabet, so a blob file name can never equal a
// directory name: keys `a` and `a/b` coexist as `a~blob` and `a/b~blob`.
const FILE_SUFFIX = '~blob';
const TEMP_PREFIX = '.~tmp-';

/**
 * Opens the filesystem blob store under `root` (creating it).
 *
 * Each blob is one file, `<segments…>/<last>~blob`, holding the content and a
 * metadata trailer; a put writes a temp file in the same directory, fsyncs it
 * and renames it over the old one, so readers see either version whole.
 * Throws {@link BlobStoreConfigError} when `root` is not absolute or cannot be created.
 */
export async function openFsBlobStore(options: FsBlobStoreOptions): Promise<BlobStore> {
  const { root } = options;
  if (typeof root !== 'string' || !isAbsolute(root)) {
    throw new BlobStoreConfigError(`the blob root must be an absolute path, got ${JSON.stringify(root)}`);
  }
  const maxBytes = resolveMaxBytes(options.maxBytes);
  try {
    await mkdir(root, { recursive: true });
  } catch (err) {
    throw new BlobStoreConfigError(`cannot create the blob directory ${root}`, { cause: err });
  }
  return new FsBlobStore(Object.freeze({ root, maxBytes }));
}

class FsBlobStore implements BlobStore {
  readonly #root: string;
  readonly #maxBytes: number;

  constructor(options: { root: string; maxBytes: number }) {
    this.#root = options.root;
    this.#maxBytes = options.maxBytes;
  }

  async put(key: string, body: BlobBody, options?: PutBlobOptions): Promise<BlobInfo> {
    assertBlobKey(key);
    const { contentType, expectedSha256 } = resolvePutOptions(options);
    const path = this.#filePath(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = join(dirname(path), `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
    const file = await open(temp, 'wx', 0o644);
    let fileOpen = true;
    let published = false;
    try {
      const digest = await writeBody(body, file, this.#maxBytes);
      assertExpectedSha256(digest, expectedSha256);
      const info: BlobInfo = { key, ...digest, contentType, createdAt: new Date() };
      await writeFully(file, encodeTrailer(info));
      // Durable before visible: a crash after the rename must not leave a hole-filled blob.
      await file.sync();
      fileOpen = false;
      await file.close();
      await rename(temp, path);
      published = true;
      return info;
    } finally {
      if (fileOpen) await file.close().catch(() => undefined);
      if (!published) await rm(temp, { force: true });
    }
  }

  async get(key: string, options: GetBlobOptions = {}): Promise<BlobRead> {
    assertBlobKey(key);
    if (options.range) assertRange(options.range);
    const { file, info } = await this.#openBlob(key);
    try {
      const range = options.range ? resolveRange(options.range, info.size) : undefined;
      if (info.size === 0) {
        await file.close();
        return { info, body: Readable.from([]) };
      }
      const body = file.createReadStream({ start: range?.start ?? 0, end: range?.end ?? info.size - 1 });
      return range ? { info, body, range } : { info, body };
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    assertBlobKey(key);
    return this.#head(key);
  }

  async delete(key: string): Promise<boolean> {
    assertBlobKey(key);
    try {
      await unlink(this.#filePath(key));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async *list(prefix = ''): AsyncIterable<BlobInfo> {
    assertBlobPrefix(prefix);
    const slash = prefix.lastIndexOf('/');
    yield* this.#walk(slash < 0 ? '' : prefix.slice(0, slash), prefix);
  }

  /** Yields, in key order, the blobs under directory `dirKey` whose keys start with `prefix`. */
  async *#walk(dirKey: string, prefix: string): AsyncGenerator<BlobInfo> {
    for (const entry of await this.#entries(dirKey)) {
      const key = dirKey === '' ? entry.segment : `${dirKey}/${entry.segment}`;
      if (entry.isDirectory) {
        const under = `${key}/`;
        if (under.startsWith(prefix) || prefix.startsWith(under)) yield* this.#walk(key, prefix);
      } else if (key.startsWith(prefix)) {
        const info = await this.#head(key);
        if (info) yield info;
      }
    }
  }

  /** Blob files and key directories of `dirKey`, sorted so that walking them yields keys in ascending order. */
  async #entries(dirKey: string): Promise<{ segment: string; isDirectory: boolean; order: string }[]> {
    let dirents;
    try {
      dirents = await readdir(dirKey === '' ? this.#root : join(this.#root, ...dirKey.split('/')), {
        withFileTypes: true,
      });
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
    const entries = [];
    for (const d of dirents) {
      const segment = d.isFile() && d.name.endsWith(FILE_SUFFIX) ? d.name.slice(0, -FILE_SUFFIX.length) : d.name;
      if (!isBlobKeySegment(segment)) continue;
      // Keys below a directory `a` all start with `a/`, so sort the directory as `a/`.
      if (d.isDirectory()) entries.push({ segment, isDirectory: true, order: `${segment}/` });
      else if (d.isFile() && d.name !== segment) entries.push({ segment, isDirectory: false, order: segment });
    }
    return entries.sort((x, y) => (x.order < y.order ? -1 : x.order > y.order ? 1 : 0));
  }

  async #head(key: string): Promise<BlobInfo | undefined> {
    let opened;
    try {
      opened = await this.#openBlob(key);
    } catch (err) {
      if (err instanceof BlobNotFoundError) return undefined;
      throw err;
    }
    await opened.file.close();
    return opened.info;
  }

  async #openBlob(key: string): Promise<{ file: FileHandle; info: BlobInfo }> {
    const path = this.#filePath(key);
    let file: FileHandle;
    try {
      file = await open(path, 'r');
    } catch (err) {
      if (isMissing(err)) throw new BlobNotFoundError(`no blob ${key}`, { cause: err });
      throw err;
    }
    try {
      return { file, info: { key, ...(await readTrailer(file, path)) } };
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  #filePath(key: string): string {
    return join(this.#root, ...key.split('/')) + FILE_SUFFIX;
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
