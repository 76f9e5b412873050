import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { GitopsLayoutError } from './errors.js';

/** One entry of a git tree. */
export interface TreeEntry {
  /** Name within its directory. */
  readonly name: string;
  readonly oid: string;
  readonly type: 'blob' | 'tree' | 'commit';
}

/** Reads trees and blobs of fetched commits with isomorphic-git (whoever fetched them). */
export interface TreeReader {
  /**
   * The entries of the directory `path` (`''` = root) at `commit`; `undefined` when the commit
   * has no such path.
   * @throws GitopsLayoutError when `path` is a file
   */
  listDirectory(commit: string, path: string): Promise<readonly TreeEntry[] | undefined>;
  /** The entries of the tree `oid`. */
  listTree(oid: string): Promise<readonly TreeEntry[]>;
  /** The content of the blob `oid`. */
  readBlob(oid: string): Promise<Uint8Array>;
}

/**
 * The bare repository the sync fetches into: `<dataDir>/gitops/<digest of the URL>.git` with the
 * remote `origin`, created when missing. It is a cache: deleting it costs one full fetch.
 */
export async function prepareLocalRepository(dataDir: string, repository: string): Promise<string> {
  const digest = createHash('sha256').update(repository).digest('hex').slice(0, 16);
  const gitdir = join(dataDir, 'gitops', `${digest}.git`);
  await mkdir(gitdir, { recursive: true });
  await git.init({ fs, gitdir, bare: true, defaultBranch: 'main' });
  // isomorphic-git maps fetched branches through the remote's refspec, so the remote must exist.
  await git.addRemote({ fs, gitdir, remote: 'origin', url: repository, force: true });
  return gitdir;
}

/**
 * A reader over `gitdir`. Make one per sync: its object cache assumes the pack files do not
 * change while it is used.
 */
export function createTreeReader(gitdir: string): TreeReader {
  const cache = {};
  const toEntries = (tree: readonly { path: string; oid: string; type: string }[]): TreeEntry[] =>
    tree.map((entry) => ({ name: entry.path, oid: entry.oid, type: entry.type as TreeEntry['type'] }));
  return Object.freeze({
    async listDirectory(commit: string, path: string): Promise<readonly TreeEntry[] | undefined> {
      try {
        const { tree } = await git.readTree({ fs, gitdir, oid: commit, ...(path === '' ? {} : { filepath: path }), cache });
        return toEntries(tree);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (code === 'NotFoundError') return undefined;
        if (code === 'ObjectTypeError') throw new GitopsLayoutError(`${path} is a file in commit ${commit}, not a directory`, { cause: err });
        throw err;
      }
    },
    async listTree(oid: string): Promise<readonly TreeEntry[]> {
      const { tree } = await git.readTree({ fs, gitdir, oid, cache });
      return toEntries(tree);
    },
    async readBlob(oid: string): Promise<Uint8Array> {
      const { blob } = await git.readBlob({ fs, gitdir, oid, cache });
      return blob;
    },
  });
}
