import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMetricsRegistry } from '@shepherd/runtime';
import { waitFor } from '@shepherd/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitopsSettingsError } from './errors.js';
import type { GitopsRunner } from './gitops-runner.js';
import { parseGitopsSettings, type GitopsSettings, type RawGitopsSettings } from './gitops-settings.js';
import { startGitops } from './start-gitops.js';
import { configDir, recordingLogger, RecordingPort, startGitFixture, type GitFixture } from './sync-fixtures.test-helpers.js';
import { useTestDatabase } from './test-database.test-helpers.js';

const INTERVAL = '200ms';

function settingsOf(values: Record<string, string>): GitopsSettings {
  const raw: RawGitopsSettings = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { value, key: name }]));
  return parseGitopsSettings(raw);
}

// One engine is enough here: the store-touching logic is covered on both by gitops-sync.spec.ts.
describe('startGitops', () => {
  const db = useTestDatabase('pglite');
  let git: GitFixture;
  let port: RecordingPort;
  let runner: GitopsRunner | undefined;

  beforeEach(async () => {
    git = await startGitFixture();
    port = new RecordingPort();
  });

  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await git.cleanup();
  });

  it('applies a pushed commit within the sync interval, and stops with no sync left running', async () => {
    await git.repo.write(configDir('prod', 'env=prod'));
    await git.repo.commit('one');
    const metrics = createMetricsRegistry();
    const settings = settingsOf({ repository: git.url, syncInterval: INTERVAL });
    runner = await startGitops({ settings, port, store: db.store, logger: recordingLogger(), dataDir: git.dataDir, metrics });
    await waitFor(() => port.creates.length === 1, { timeoutMs: 5000 });
    await git.repo.write(configDir('prod', 'env=prod', 'receivers: {}\n'));
    const pushedAt = Date.now();
    const second = await git.repo.commit('two');
    await waitFor(() => port.creates.length === 2, { timeoutMs: 5000, intervalMs: 10 });
    // Within one interval plus the time a sync takes on a loaded machine.
    expect(Date.now() - pushedAt).toBeLessThan(200 + 1500);
    expect(port.creates[1]?.origin.commit).toBe(second);
    expect(runner.status().lastCommit).toBe(second);

    const text = await metrics.metrics();
    expect(text).toMatch(/^shepherd_gitops_sync_failing 0$/m);
    expect(text).toMatch(/^shepherd_gitops_directories 1$/m);
    expect(text).toContain(`shepherd_gitops_info{repository="${git.url}",branch="main",commit="${second}",state="syncing"} 1`);

    await runner.stop();
    expect(runner.status().state).toBe('stopped');
    const requests = git.server.requests;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(git.server.requests).toBe(requests);
  });

  it('stop aborts a fetch hanging on the remote and returns at once', async () => {
    await git.repo.write(configDir('prod', 'env=prod'));
    await git.repo.commit('one');
    git.server.hold(true);
    const settings = settingsOf({ repository: git.url, syncInterval: INTERVAL });
    runner = await startGitops({ settings, port, store: db.store, logger: recordingLogger(), dataDir: git.dataDir });
    await waitFor(() => git.server.requests > 0);
    const started = Date.now();
    await runner.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(runner.status()).toMatchObject({ state: 'stopped' });
    expect(runner.status().lastSuccessAt).toBeUndefined();
    expect(port.creates).toEqual([]);
  });

  it('refuses a missing token file at start', async () => {
    const settings = settingsOf({ repository: git.url, authType: 'https_token', tokenFile: join(git.dataDir, 'missing') });
    await expect(startGitops({ settings, port, store: db.store, logger: recordingLogger(), dataDir: git.dataDir })).rejects.toThrow(
      new GitopsSettingsError(`the token file ${join(git.dataDir, 'missing')} cannot be read (ENOENT)`),
    );
  });

  describe('ssh_key auth (git binary; a stand-in ssh program that checks the key and runs git-upload-pack locally)', () => {
    async function fakeSsh(expectedKey: string): Promise<string> {
      const program = join(git.dataDir, 'fake-ssh');
      await writeFile(
        program,
        [
          '#!/bin/sh',
          `echo "$@" >> '${git.dataDir}/ssh-calls'`,
          'key=""',
          'while [ $# -gt 1 ]; do case "$1" in -i) key="$2"; shift 2;; -o|-p) shift 2;; *) shift;; esac; done',
          `if [ "$key" != '${expectedKey}' ]; then echo "git@git.test: Permission denied (publickey)." >&2; exit 255; fi`,
          'exec sh -c "$1"',
          '',
        ].join('\n'),
      );
      await chmod(program, 0o755);
      return program;
    }

    it('fetches with the configured key into the repository isomorphic-git reads', async () => {
      await git.repo.write(configDir('prod', 'env=prod'));
      const commit = await git.repo.commit('one');
      const key = join(git.dataDir, 'deploy key');
      await writeFile(key, 'not a real key: the stand-in only checks the path');
      const ssh = await fakeSsh(key);
      const settings = settingsOf({ repository: `ssh://git@git.test${git.repo.originPath}`, authType: 'ssh_key', sshKeyFile: key, syncInterval: INTERVAL });
      runner = await startGitops({ settings, port, store: db.store, logger: recordingLogger(), dataDir: git.dataDir, programs: { ssh } });
      await waitFor(() => port.creates.length === 1, { timeoutMs: 5000 });
      expect(port.creates[0]?.origin).toEqual({ type: 'git', repository: settings.repository, branch: 'main', commit, path: 'configs/prod' });
    });

    it('reports a refused key as an auth error', async () => {
      await git.repo.write(configDir('prod', 'env=prod'));
      await git.repo.commit('one');
      const key = join(git.dataDir, 'key');
      await writeFile(key, 'x');
      const ssh = await fakeSsh('/some/other/key');
      const settings = settingsOf({ repository: `git@git.test:${git.repo.originPath}`, authType: 'ssh_key', sshKeyFile: key, syncInterval: INTERVAL });
      runner = await startGitops({ settings, port, store: db.store, logger: recordingLogger(), dataDir: git.dataDir, programs: { ssh } });
      await waitFor(() => runner?.status().lastError !== undefined, { timeoutMs: 5000 });
      expect(runner.status().lastError).toMatchObject({ code: 'GITOPS_AUTH_FAILED', message: expect.stringContaining('Permission denied (publickey)') });
      expect(port.creates).toEqual([]);
    });

    it('refuses to start without the git program, saying why and what to use instead', async () => {
      const key = join(git.dataDir, 'key');
      await writeFile(key, 'x');
      const settings = settingsOf({ repository: 'ssh://git@git.test/r.git', authType: 'ssh_key', sshKeyFile: key });
      await expect(
        startGitops({ settings, port, store: db.store, logger: recordingLogger(), dataDir: git.dataDir, programs: { git: 'no-such-git-program' } }),
      ).rejects.toThrow(/isomorphic-git speaks only HTTP\(S\).*install git and an ssh client, or use an https:\/\/ URL with https_token auth/);
    });
  });
});
