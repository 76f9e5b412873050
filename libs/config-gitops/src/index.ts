/**
 * @shepherd/config-gitops: a GitOps config source. Each subdirectory of a path in a git
 * repository is one config (a `shepherd.yaml` with the selector plus the config files); every
 * sync interval the branch is fetched (isomorphic-git over HTTP(S), the `git` binary over ssh)
 * and each changed directory becomes a config version through the config admin, with the commit
 * as its origin; a removed directory deactivates its selector. Layout: docs/gitops.md.
 */
export { gitopsModule } from './gitops-module.js';
export { startGitops, type StartGitopsOptions } from './start-gitops.js';
export { startGitopsRunner, type GitopsRunner } from './gitops-runner.js';
export { createGitopsSync, DEFAULT_MAX_DIRECTORIES, type GitopsSync, type GitopsSyncOptions } from './gitops-sync.js';
export type { GitopsConfigPort, GitopsConfigInput, GitopsDeactivateInput, GitOrigin } from './config-port.js';
export type { GitopsSyncStatus, DirectoryProblem, SyncFailure } from './sync-status.js';
export type { GitopsLogger } from './gitops-logger.js';
export {
  parseGitopsSettings,
  MIN_SYNC_INTERVAL_MS,
  MAX_SYNC_INTERVAL_MS,
  type GitopsAuth,
  type GitopsSettings,
  type RawGitopsSettings,
  type RawSetting,
} from './gitops-settings.js';
export { loadGitopsSettings, readServerConfigFile, gitopsConfigured, GITOPS_ENV, type GitopsEnv, type GitopsEnvName } from './settings-source.js';
export { createGitFetcher, type GitFetcher, type GitPrograms } from './git-fetcher.js';
export { readConfigDirectory, MANIFEST_NAME, type DesiredConfig } from './config-directory.js';
export { parseDuration } from './duration.js';
export {
  GitopsAuthError,
  GitopsDirectoryError,
  GitopsFetchError,
  GitopsLayoutError,
  GitopsOptionsError,
  GitopsSettingsError,
} from './errors.js';
