// End to end through the real config admin: the versions, assignments and audit entries a sync leaves in the store.
import { createInProcessBus, createTopology, ensureTopology, type EventBus } from '@shepherd/bus';
import { createConfigAdmin, resolveTarget } from '@shepherd/config-service';
import { uniqueName } from '@shepherd/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitFetcher } from './git-fetcher.js';
import { parseGitopsSettings } from './gitops-settings.js';
import { createGitopsSync, type GitopsSync } from './gitops-sync.js';
import { prepareLocalRepository } from './local-repository.js';
import { COLLECTOR, configDir, recordingLogger, startGitFixture, type GitFixture } from './sync-fixtures.test-helpers.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

const never = new AbortController().signal;

describe.each(ENGINES)('gitops sync through the config admin on %s', (engine) => {
  const db = useTestDatabase(engine);
  let git: GitFixture;
  let bus: EventBus;
  let sync: GitopsSync;

  beforeEach(async () => {
    git = await startGitFixture();
    bus = createInProcessBus();
    const topology = createTopology({ prefix: uniqueName('gitops') });
    await ensureTopology(bus, topology);
    const admin = createConfigAdmin({ store: db.store, bus, topology, logger: recordingLogger() });
    const settings = parseGitopsSettings({ repository: { value: git.url, key: 'GITOPS_REPOSITORY' }, tenant: { value: 'acme', key: 'GITOPS_TENANT' } });
    const gitdir = await prepareLocalRepository(git.dataDir, settings.repository);
    sync = createGitopsSync({ settings, port: admin, store: db.store, fetcher: createGitFetcher(settings, gitdir), gitdir, logger: recordingLogger() });
  });

  afterEach(async () => {
    await sync.stop();
    await bus.close();
    await git.cleanup();
  });

  async function activeAssignments(): Promise<{ kind: string; config_hash: string; selector: unknown; author: string }[]> {
    const { rows } = await db.store.query<{ kind: string; config_hash: string; selector: unknown; author: string }>(
      `SELECT kind, config_hash, selector, author FROM config_assignments WHERE tenant_id = 'acme' AND active ORDER BY seq`,
    );
    return rows;
  }

  it('a pushed commit becomes a new version with the commit as its origin; the previous assignment is superseded', async () => {
    await git.repo.write(configDir('prod', 'env=prod', COLLECTOR, 'priority: 7\nlabel: v1.0.0\ndescription: first\n'));
    const first = await git.repo.commit('one');
    await sync.syncOnce(never);
    const { rows: versions } = await db.store.query<{ hash: string; label: string; description: string; origin: unknown; author: string }>(
      `SELECT hash, label, description, origin, author FROM config_versions WHERE tenant_id = 'acme'`,
    );
    expect(versions).toEqual([
      {
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        label: 'v1.0.0',
        description: 'first',
        origin: { type: 'git', repository: git.url, branch: 'main', commit: first, path: 'configs/prod' },
        author: `gitops:${git.url}`,
      },
    ]);
    expect(await activeAssignments()).toEqual([{ kind: 'gitops', config_hash: versions[0]!.hash, selector: { matchLabels: { env: 'prod' } }, author: `gitops:${git.url}` }]);
    expect(await resolveTarget(db.store, 'acme', { env: 'prod', host: 'a' })).toBe(versions[0]!.hash);

    await git.repo.write(configDir('prod', 'env=prod', COLLECTOR.replace('debug: {}', 'debug: {verbosity: basic}'), 'priority: 7\nlabel: v1.1.0\n'));
    const second = await git.repo.commit('two');
    await sync.syncOnce(never);
    const { rows: next } = await db.store.query<{ hash: string; origin: { commit: string } }>(
      `SELECT hash, origin FROM config_versions WHERE tenant_id = 'acme' AND label = 'v1.1.0'`,
    );
    expect(next[0]?.origin.commit).toBe(second);
    expect((await activeAssignments()).map((a) => a.config_hash)).toEqual([next[0]!.hash]);
    expect(await resolveTarget(db.store, 'acme', { env: 'prod' })).toBe(next[0]!.hash);
  });

  it('a removed directory deactivates its assignment, audited as the gitops author', async () => {
    await git.repo.write({ ...configDir('prod', 'env=prod'), ...configDir('test', 'env=test') });
    await git.repo.commit('two configs');
    await sync.syncOnce(never);
    await git.repo.remove('configs/test');
    await git.repo.commit('drop test');
    const since = new Date();
    await sync.syncOnce(never);
    expect((await activeAssignments()).map((a) => a.selector)).toEqual([{ matchLabels: { env: 'prod' } }]);
    expect(await resolveTarget(db.store, 'acme', { env: 'test' })).toBeUndefined();
    const { rows: audit } = await db.store.query<{ action: string; actor: string }>(
      `SELECT action, actor FROM audit_log WHERE tenant_id = 'acme' AND at >= $1 ORDER BY id`,
      [new Date(since.getTime() - 1000)],
    );
    expect(audit).toContainEqual({ action: 'config.unassign', actor: `gitops:${git.url}` });
  });

  it('a directory the admin refuses (invalid collector config) is reported and skipped; the others apply', async () => {
    await git.repo.write({
      ...configDir('good', 'env=good'),
      ...configDir('broken', 'env=broken', 'service:\n  pipelines:\n    logs: {receivers: [nope], exporters: [debug]}\n'),
    });
    await git.repo.commit('one broken');
    const status = await sync.syncOnce(never);
    expect((await activeAssignments()).map((a) => a.selector)).toEqual([{ matchLabels: { env: 'good' } }]);
    expect(status.directoryErrors).toEqual([{ directory: 'configs/broken', code: 'CONFIG_INVALID', message: expect.stringContaining('config is invalid') }]);
  });
});
