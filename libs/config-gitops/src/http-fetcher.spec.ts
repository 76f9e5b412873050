import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitopsAuthError, GitopsFetchError } from './errors.js';
import { createHttpFetcher } from './http-fetcher.js';
import { prepareLocalRepository } from './local-repository.js';
import { configDir, startGitFixture, type GitFixture } from './sync-fixtures.test-helpers.js';

const TOKEN = 'fetcher-token-8d1e';
const never = new AbortController().signal;

describe('createHttpFetcher', () => {
  let git: GitFixture;
  let gitdir: string;

  beforeEach(async () => {
    git = await startGitFixture(TOKEN);
    await git.repo.write(configDir('prod', 'env=prod'));
    await git.repo.commit('one');
    gitdir = await prepareLocalRepository(git.dataDir, git.url);
  });

  afterEach(async () => {
    await git.cleanup();
  });

  it('fetches the branch head with the token', async () => {
    const head = await git.repo.commit('two');
    const fetcher = createHttpFetcher({ repository: git.url, branch: 'main', auth: { type: 'https_token', tokenFile: git.tokenFile }, gitdir });
    expect(await fetcher.fetch(never)).toBe(head);
  });

  it('says how to configure credentials when the remote needs them and none are set', async () => {
    const fetcher = createHttpFetcher({ repository: git.url, branch: 'main', auth: { type: 'none' }, gitdir });
    const err = await fetcher.fetch(never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitopsAuthError);
    expect((err as Error).message).toBe('the remote requires credentials: set GITOPS_AUTH=https_token and GITOPS_TOKEN_FILE (HTTP 401 Unauthorized)');
  });

  it('refuses an empty or unreadable token file without sending anything', async () => {
    const empty = join(git.dataDir, 'empty');
    await writeFile(empty, '\n');
    const requests = git.server.requests;
    await expect(
      createHttpFetcher({ repository: git.url, branch: 'main', auth: { type: 'https_token', tokenFile: empty }, gitdir }).fetch(never),
    ).rejects.toThrow(new GitopsAuthError(`the token file ${empty} must hold one token on one line`));
    await expect(
      createHttpFetcher({ repository: git.url, branch: 'main', auth: { type: 'https_token', tokenFile: join(git.dataDir, 'nope') }, gitdir }).fetch(never),
    ).rejects.toThrow(/cannot be read \(ENOENT\)/);
    expect(git.server.requests).toBe(requests);
  });

  it('reports a missing branch and a missing repository', async () => {
    const auth = { type: 'https_token', tokenFile: git.tokenFile } as const;
    await expect(createHttpFetcher({ repository: git.url, branch: 'nope', auth, gitdir }).fetch(never)).rejects.toThrow(
      new GitopsFetchError(`branch nope was not found in ${git.url}`),
    );
    const missing = git.server.url('missing.git');
    await expect(createHttpFetcher({ repository: missing, branch: 'main', auth, gitdir }).fetch(never)).rejects.toBeInstanceOf(GitopsFetchError);
  });
});
