import { writeFile } from 'node:fs/promises';
import { parseSelector } from '@shepherd/config-service';
import { StoreUnavailableError } from '@shepherd/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitopsDirectoryError } from './errors.js';
import { createGitFetcher } from './git-fetcher.js';
import { parseGitopsSettings } from './gitops-settings.js';
import { createGitopsSync, type GitopsSync, type GitopsSyncOptions } from './gitops-sync.js';
import { prepareLocalRepository } from './local-repository.js';
import { configDir, recordingLogger, RecordingPort, startGitFixture, type GitFixture } from './sync-fixtures.test-helpers.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

const TOKEN = 'test-token-0123456789';
const never = new AbortController().signal;

describe.each(ENGINES)('gitops sync on %s', (engine) => {
  const db = useTestDatabase(engine);
  let git: GitFixture;
  let port: RecordingPort;
  const syncs: GitopsSync[] = [];

  beforeEach(async () => {
    git = await startGitFixture(TOKEN);
    port = new RecordingPort();
  });

  afterEach(async () => {
    for (const sync of syncs.splice(0)) await sync.stop();
    await git.cleanup();
  });

  async function makeSync(overrides: Partial<GitopsSyncOptions> & { path?: string } = {}): Promise<GitopsSync> {
    const settings = parseGitopsSettings({
      repository: { value: git.url, key: 'GITOPS_REPOSITORY' },
      authType: { value: 'https_token', key: 'GITOPS_AUTH' },
      tokenFile: { value: git.tokenFile, key: 'GITOPS_TOKEN_FILE' },
      ...(overrides.path === undefined ? {} : { path: { value: overrides.path, key: 'GITOPS_PATH' } }),
    });
    const gitdir = await prepareLocalRepository(git.dataDir, settings.repository);
    const sync = createGitopsSync({
      settings,
      port,
      store: db.store,
      fetcher: createGitFetcher(settings, gitdir),
      gitdir,
      logger: recordingLogger(),
      ...overrides,
    });
    syncs.push(sync);
    return sync;
  }

  it('first sync creates one version per directory, with the commit as origin', async () => {
    await git.repo.write({ ...configDir('prod', 'env=prod', undefined, 'priority: 5\nlabel: v1\n'), ...configDir('test', 'env=test') });
    const commit = await git.repo.commit('two configs');
    const status = await (await makeSync()).syncOnce(never);
    expect(status).toMatchObject({ state: 'syncing', lastCommit: commit, directories: 2, directoryErrors: [], created: 2, consecutiveFailures: 0 });
    expect(status.lastError).toBeUndefined();
    expect(port.creates).toEqual([
      expect.objectContaining({
        tenantId: 'default',
        selector: parseSelector('env=prod'),
        priority: 5,
        label: 'v1',
        author: `gitops:${git.url}`,
        origin: { type: 'git', repository: git.url, branch: 'main', commit, path: 'configs/prod' },
        files: [{ name: 'collector.yaml', contentType: 'text/yaml', body: expect.stringContaining('receivers') }],
      }),
      expect.objectContaining({ selector: parseSelector('env=test'), priority: 0, origin: expect.objectContaining({ path: 'configs/test' }) }),
    ]);
  });

  it('an unchanged commit creates nothing, also after a restart (the applied state is in the store)', async () => {
    await git.repo.write(configDir('prod', 'env=prod'));
    await git.repo.commit('one');
    const first = await makeSync();
    await first.syncOnce(never);
    await first.syncOnce(never);
    expect(port.creates).toHaveLength(1);
    await first.stop();
    await (await makeSync()).syncOnce(never);
    expect(port.creates).toHaveLength(1);
  });

  it('a new commit re-applies only the directories whose content changed', async () => {
    await git.repo.write({ ...configDir('prod', 'env=prod'), ...configDir('test', 'env=test') });
    await git.repo.commit('one');
    const sync = await makeSync();
    await sync.syncOnce(never);
    await git.repo.write({ 'configs/test/collector.yaml': 'receivers:\n  otlp: {protocols: {grpc: {}}}\n' });
    await git.repo.write({ 'README.md': 'outside the configs path' });
    const second = await git.repo.commit('change test');
    await sync.syncOnce(never);
    expect(port.createdPaths()).toEqual(['configs/prod', 'configs/test', 'configs/test']);
    expect(port.creates[2]?.origin.commit).toBe(second);
  });

  it('follows a force-pushed branch (history rewritten)', async () => {
    await git.repo.write(configDir('prod', 'env=prod'));
    await git.repo.commit('one');
    await git.repo.write(configDir('prod', 'env=prod', 'receivers: {}\n'));
    await git.repo.commit('two');
    const sync = await makeSync();
    await sync.syncOnce(never);
    await git.repo.write(configDir('prod', 'env=prod', 'receivers: {otlp: {}}\n'));
    const rewritten = await git.repo.amend('two, rewritten');
    expect((await sync.syncOnce(never)).lastCommit).toBe(rewritten);
    expect(port.creates.at(-1)).toMatchObject({ origin: { commit: rewritten }, files: [{ body: 'receivers: {otlp: {}}\n' }] });
  });

  it('a removed directory deactivates its selector once', async () => {
    await git.repo.write({ ...configDir('prod', 'env=prod'), ...configDir('old', 'env=old') });
    await git.repo.commit('one');
    const sync = await makeSync();
    await sync.syncOnce(never);
    await git.repo.remove('configs/old');
    const removed = await git.repo.commit('remove old');
    const status = await sync.syncOnce(never);
    expect(port.deactivations).toEqual([
      { tenantId: 'default', selector: parseSelector('env=old'), author: `gitops:${git.url}`, reason: `configs/old was removed in ${removed}` },
    ]);
    expect(status).toMatchObject({ directories: 1, deactivated: 1 });
    await git.repo.write({ 'unrelated.txt': 'x' });
    await git.repo.commit('unrelated');
    await (await makeSync()).syncOnce(never);
    expect(port.deactivations).toHaveLength(1);
  });

  it('a directory whose selector changed deactivates the old selector after creating the new', async () => {
    await git.repo.write(configDir('prod', 'env=prod'));
    await git.repo.commit('one');
    const sync = await makeSync();
    await sync.syncOnce(never);
    await git.repo.write(configDir('prod', 'env=production'));
    await git.repo.commit('rename label');
    await sync.syncOnce(never);
    expect(port.creates.map((c) => c.selector)).toEqual([parseSelector('env=prod'), parseSelector('env=production')]);
    expect(port.deactivations.map((d) => d.selector)).toEqual([parseSelector('env=prod')]);
  });

  it('an invalid directory is skipped and reported; the others apply; fixing it applies it', async () => {
    await git.repo.write({ ...configDir('good', 'env=good'), 'configs/bad/shepherd.yaml': 'selector: env=bad\n' });
    await git.repo.commit('one good, one bad');
    const logger = recordingLogger();
    const sync = await makeSync({ logger });
    const status = await sync.syncOnce(never);
    expect(port.createdPaths()).toEqual(['configs/good']);
    expect(status.directoryErrors).toEqual([{ directory: 'configs/bad', code: 'GITOPS_DIRECTORY_INVALID', message: expect.stringContaining('has no config file') }]);
    expect(status.lastError).toBeUndefined();
    expect(logger.records.some((r) => r.msg === 'gitops sync applied commit' && JSON.stringify(r.obj).includes('configs/bad'))).toBe(true);
    await git.repo.write({ 'configs/bad/collector.yaml': 'receivers: {}\n' });
    await git.repo.commit('fix bad');
    const fixed = await sync.syncOnce(never);
    expect(port.createdPaths()).toEqual(['configs/good', 'configs/bad']);
    expect(fixed.directoryErrors).toEqual([]);
  });

  it('a config the admin refuses is not retried until it changes; a failed write is retried without a new commit', async () => {
    await git.repo.write(configDir('prod', 'env=prod'));
    await git.repo.commit('one');
    const sync = await makeSync();
    port.failCreate = new GitopsDirectoryError('refused by validation');
    expect((await sync.syncOnce(never)).directoryErrors).toEqual([expect.objectContaining({ directory: 'configs/prod', message: 'refused by validation' })]);
    port.failCreate = undefined;
    expect((await sync.syncOnce(never)).directoryErrors).toHaveLength(1);
    expect(port.creates).toHaveLength(0);

    await git.repo.write(configDir('prod', 'env=prod', 'receivers: {}\n'));
    await git.repo.commit('two');
    port.failCreate = new StoreUnavailableError('database down');
    expect((await sync.syncOnce(never)).directoryErrors).toEqual([expect.objectContaining({ code: 'STORE_UNAVAILABLE' })]);
    port.failCreate = undefined;
    expect((await sync.syncOnce(never)).directoryErrors).toEqual([]);
    expect(port.createdPaths()).toEqual(['configs/prod']);
  });

  it('two directories with one selector: the second is refused and reported', async () => {
    await git.repo.write({ ...configDir('a', 'env=x'), ...configDir('b', 'env=x') });
    await git.repo.commit('clash');
    const status = await (await makeSync()).syncOnce(never);
    expect(port.createdPaths()).toEqual(['configs/a']);
    expect(status.directoryErrors).toEqual([expect.objectContaining({ directory: 'configs/b', message: 'configs/b: selector "env=x" is already used by configs/a' })]);
  });

  it('a wrong token is a clear auth error in the status; nothing is applied or deactivated; the right token recovers', async () => {
    await git.repo.write(configDir('prod', 'env=prod'));
    await git.repo.commit('one');
    const sync = await makeSync();
    await sync.syncOnce(never);
    await git.repo.remove('configs/prod');
    await git.repo.write(configDir('next', 'env=next'));
    await git.repo.commit('two');
    await writeFile(git.tokenFile, 'wrong-token\n');
    const failed = await sync.syncOnce(never);
    expect(failed.lastError).toEqual({ code: 'GITOPS_AUTH_FAILED', message: expect.stringContaining(`the remote refused the token from ${git.tokenFile} (HTTP 401`), at: expect.any(String) });
    expect(failed.lastError?.message).not.toContain('wrong-token');
    expect(failed.consecutiveFailures).toBe(1);
    expect(port.createdPaths()).toEqual(['configs/prod']);
    expect(port.deactivations).toEqual([]);
    await writeFile(git.tokenFile, `${TOKEN}\n`);
    const recovered = await sync.syncOnce(never);
    expect(recovered.lastError).toBeUndefined();
    expect(port.createdPaths()).toEqual(['configs/prod', 'configs/next']);
    expect(port.deactivations.map((d) => d.selector)).toEqual([parseSelector('env=prod')]);
  });

  it('the server going away is an error in the status; the next sync after it returns recovers', async () => {
    await git.repo.write(configDir('prod', 'env=prod'));
    await git.repo.commit('one');
    const sync = await makeSync();
    await sync.syncOnce(never);
    await git.server.stop();
    await git.repo.write(configDir('prod', 'env=prod', 'receivers: {}\n'));
    const second = await git.repo.commit('while down');
    const down = await sync.syncOnce(never);
    expect(down.lastError).toMatchObject({ code: 'GITOPS_FETCH_FAILED', message: expect.stringContaining('ECONNREFUSED') });
    expect((await sync.syncOnce(never)).consecutiveFailures).toBe(2);
    await git.server.restart();
    const up = await sync.syncOnce(never);
    expect(up).toMatchObject({ lastCommit: second, consecutiveFailures: 0 });
    expect(up.lastError).toBeUndefined();
    expect(port.creates.at(-1)?.origin.commit).toBe(second);
  });

  it('a commit without the configs path is a layout error that deactivates nothing', async () => {
    await git.repo.write(configDir('prod', 'env=prod'));
    await git.repo.commit('one');
    const sync = await makeSync();
    await sync.syncOnce(never);
    await git.repo.remove('configs');
    await git.repo.write({ 'other/file.txt': 'x' });
    await git.repo.commit('drop configs');
    const status = await sync.syncOnce(never);
    expect(status.lastError).toMatchObject({ code: 'GITOPS_LAYOUT_INVALID', message: expect.stringContaining('configs does not exist') });
    expect((await sync.syncOnce(never)).consecutiveFailures).toBe(2);
    expect(port.deactivations).toEqual([]);
  });

  it('syncs the repository root when the path is "."', async () => {
    await git.repo.write({ 'prod/shepherd.yaml': 'selector: env=prod\n', 'prod/c.yaml': 'receivers: {}\n' });
    await git.repo.commit('root layout');
    await (await makeSync({ path: '.' })).syncOnce(never);
    expect(port.createdPaths()).toEqual(['prod']);
  });

  it('only the lease holder syncs; the other takes over once the holder stops', async () => {
    await git.repo.write(configDir('prod', 'env=prod'));
    await git.repo.commit('one');
    const leader = await makeSync({ holder: 'leader' });
    const standby = await makeSync({ holder: 'standby' });
    await leader.syncOnce(never);
    expect((await standby.syncOnce(never)).state).toBe('standby');
    expect(port.creates).toHaveLength(1);
    await leader.stop();
    expect(leader.status().state).toBe('stopped');
    await git.repo.write(configDir('prod', 'env=prod', 'receivers: {}\n'));
    await git.repo.commit('two');
    expect((await standby.syncOnce(never)).state).toBe('syncing');
    expect(port.creates).toHaveLength(2);
  });

  it('a sync that outlives its timeout is abandoned and reported', async () => {
    await git.repo.write(configDir('prod', 'env=prod'));
    await git.repo.commit('one');
    const status = await (await makeSync({ timeoutMs: 1 })).syncOnce(never);
    expect(status.lastError).toMatchObject({ code: 'GITOPS_SYNC_TIMEOUT' });
  });
});
