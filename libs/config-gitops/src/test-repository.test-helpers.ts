// A git repository made by a test with the git CLI: a bare `origin.git` under a root directory
// (what the test server serves) and a working clone the test edits, commits and pushes from.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Isolated from the machine's git configuration, with a fixed identity. */
const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

/** The repository under test. */
export interface TestRepository {
  /** Directory holding `origin.git` (serve it as the project root). */
  readonly root: string;
  /** Absolute path of the bare repository. */
  readonly originPath: string;
  /** Writes `files` (path relative to the repository root → text), creating directories. */
  write(files: Readonly<Record<string, string>>): Promise<void>;
  /** Deletes a file or directory of the working copy. */
  remove(path: string): Promise<void>;
  /** Commits everything and pushes `branch`; returns the commit id. */
  commit(message: string, branch?: string): Promise<string>;
  /** Replaces the last commit with one holding everything (history rewritten) and force-pushes; returns its id. */
  amend(message: string): Promise<string>;
  /** Deletes every file of the repository. */
  cleanup(): Promise<void>;
}

/** Creates an empty repository (branch `main`). */
export async function createTestRepository(): Promise<TestRepository> {
  const root = await mkdtemp(join(tmpdir(), 'shepherd-gitops-repo-'));
  const originPath = join(root, 'origin.git');
  const work = join(root, 'work');
  const git = async (cwd: string, ...args: string[]): Promise<string> => (await run('git', args, { cwd, env: GIT_ENV })).stdout.trim();
  await mkdir(work);
  await git(root, 'init', '--quiet', '--bare', '--initial-branch=main', originPath);
  await git(work, 'init', '--quiet', '--initial-branch=main');
  await git(work, 'remote', 'add', 'origin', originPath);
  return {
    root,
    originPath,
    async write(files) {
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(work, path)), { recursive: true });
        await writeFile(join(work, path), text);
      }
    },
    async remove(path) {
      await rm(join(work, path), { recursive: true, force: true });
    },
    async commit(message, branch = 'main') {
      await git(work, 'add', '--all');
      await git(work, 'commit', '--quiet', '--allow-empty', '-m', message);
      await git(work, 'push', '--quiet', '--force', 'origin', `HEAD:refs/heads/${branch}`);
      return git(work, 'rev-parse', 'HEAD');
    },
    async amend(message) {
      await git(work, 'add', '--all');
      await git(work, 'commit', '--quiet', '--amend', '--allow-empty', '-m', message);
      await git(work, 'push', '--quiet', '--force', 'origin', 'HEAD:refs/heads/main');
      return git(work, 'rev-parse', 'HEAD');
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
