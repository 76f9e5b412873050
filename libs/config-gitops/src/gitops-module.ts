import { defineModule } from '@shepherd/bootstrap';
import { createConfigAdmin } from '@shepherd/config-service';
import type { GitopsConfigPort } from './config-port.js';
import { GITOPS_ENV, type GitopsEnv, gitopsConfigured, loadGitopsSettings } from './settings-source.js';
import { startGitops } from './start-gitops.js';

/**
 * The GitOps config source as an app module (hosted by the config-service and all-in-one
 * processes). It does nothing unless GITOPS_REPOSITORY or GITOPS_CONFIG_FILE is set; then it
 * validates the settings once (a bad value fails the start with a message naming the key),
 * syncs at once and every GITOPS_SYNC_INTERVAL, writing through the config admin. Shutdown: in
 * the drain phase the schedule stops, the sync in flight is aborted and awaited, and the lease
 * is released, before the store closes.
 */
export const gitopsModule = defineModule({
  name: 'gitops',
  backends: ['store', 'bus'],
  env: GITOPS_ENV,
  async start(ctx) {
    const { config, logger, backends, topology } = ctx;
    const env: GitopsEnv = {
      GITOPS_REPOSITORY: config.gitopsRepository,
      GITOPS_BRANCH: config.gitopsBranch,
      GITOPS_PATH: config.gitopsPath,
      GITOPS_SYNC_INTERVAL: config.gitopsSyncInterval,
      GITOPS_AUTH: config.gitopsAuth,
      GITOPS_TOKEN_FILE: config.gitopsTokenFile,
      GITOPS_SSH_KEY_FILE: config.gitopsSshKeyFile,
      GITOPS_SSH_KNOWN_HOSTS_FILE: config.gitopsSshKnownHostsFile,
      GITOPS_TENANT: config.gitopsTenant,
      GITOPS_CONFIG_FILE: config.gitopsConfigFile,
    };
    if (!gitopsConfigured(env)) {
      logger.info({}, 'gitops sync off (set GITOPS_REPOSITORY or GITOPS_CONFIG_FILE to sync configs from git)');
      return;
    }
    const settings = await loadGitopsSettings(env);
    const port: GitopsConfigPort = createConfigAdmin({ store: backends.store, bus: backends.bus, topology, logger });
    const runner = await startGitops({ settings, port, store: backends.store, logger, dataDir: config.dataDir, metrics: ctx.metrics });
    ctx.shutdown.register('drain', 'gitops', () => runner.stop());
  },
});
