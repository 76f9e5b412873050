import { PassThrough } from 'node:stream';
import { createInProcessBus, createTopology, ensureTopology, type EventBus } from '@shepherd/bus';
import { createLogger, createMetricsRegistry, createShutdown, loadConfig, Readiness, type Shutdown } from '@shepherd/runtime';
import { uniqueName, waitFor } from '@shepherd/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitopsModule } from './gitops-module.js';
import { configDir, startGitFixture, type GitFixture } from './sync-fixtures.test-helpers.js';
import { useTestDatabase } from './test-database.test-helpers.js';

const TOKEN = 'module-test-token-5f2c9a';

describe('gitopsModule', () => {
  const db = useTestDatabase('pglite');
  let git: GitFixture;
  let bus: EventBus;
  let shutdown: Shutdown;
  let logs: string;

  beforeEach(async () => {
    git = await startGitFixture(TOKEN);
    bus = createInProcessBus();
    logs = '';
  });

  afterEach(async () => {
    if (shutdown.state === 'running') await shutdown.trigger('test over');
    await bus.close();
    await git.cleanup();
  });

  /** Starts the module the way runApp would, with `env` as the process environment. */
  async function start(env: Record<string, string>): Promise<void> {
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    const logger = createLogger({ name: 'gitops-test', level: 'debug', destination });
    shutdown = createShutdown({ logger, timeoutMs: 10_000, exit: () => undefined });
    const topology = createTopology({ prefix: uniqueName('gitops') });
    await ensureTopology(bus, topology);
    const config = loadConfig([...gitopsModule.env, 'DATA_DIR'], { DATA_DIR: git.dataDir, ...env });
    const ctx = {
      config,
      logger,
      shutdown,
      readiness: new Readiness(),
      metrics: createMetricsRegistry(),
      backends: { store: db.store, bus },
      topology,
      shared: <T>(_key: string, create: () => Promise<T>) => create(),
    };
    await gitopsModule.start(ctx as unknown as Parameters<typeof gitopsModule.start>[0]);
  }

  async function activeSelectors(): Promise<unknown[]> {
    const { rows } = await db.store.query<{ selector: unknown }>("SELECT selector FROM config_assignments WHERE active AND kind = 'gitops'");
    return rows.map((row) => row.selector);
  }

  it('does nothing when neither GITOPS_REPOSITORY nor GITOPS_CONFIG_FILE is set', async () => {
    await start({ GITOPS_BRANCH: 'main' });
    expect(logs).toContain('gitops sync off');
    expect(git.server.requests).toBe(0);
  });

  it('syncs from the environment, never logs the token, and leaves no sync running after the drain', async () => {
    await git.repo.write(configDir('prod', 'env=prod'));
    await git.repo.commit('one');
    await start({ GITOPS_REPOSITORY: git.url, GITOPS_AUTH: 'https_token', GITOPS_TOKEN_FILE: git.tokenFile, GITOPS_SYNC_INTERVAL: '200ms' });
    await waitFor(async () => (await activeSelectors()).length === 1, { description: 'the gitops assignment' });
    expect(await activeSelectors()).toEqual([{ matchLabels: { env: 'prod' } }]);
    await shutdown.trigger('test');
    const requests = git.server.requests;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(git.server.requests).toBe(requests);
    expect(logs).toContain('gitops sync started');
    expect(logs).not.toContain(TOKEN);
  });

  it('refuses bad settings at start, naming the variable', async () => {
    await expect(start({ GITOPS_REPOSITORY: git.url, GITOPS_SYNC_INTERVAL: 'soon' })).rejects.toThrow(
      'GITOPS_SYNC_INTERVAL must be a duration from 100ms to 24h',
    );
  });
});
