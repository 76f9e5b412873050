import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Registry } from '@shepherd/runtime';
import type { SqlExecutor } from '@shepherd/store';
import type { GitopsConfigPort } from './config-port.js';
import { GitopsSettingsError } from './errors.js';
import { createGitFetcher, type GitPrograms } from './git-fetcher.js';
import type { GitopsLogger } from './gitops-logger.js';
import { registerGitopsMetrics } from './gitops-metrics.js';
import { type GitopsRunner, startGitopsRunner } from './gitops-runner.js';
import type { GitopsSettings } from './gitops-settings.js';
import { createGitopsSync, type GitopsSyncOptions } from './gitops-sync.js';
import { prepareLocalRepository } from './local-repository.js';

/** Options of {@link startGitops}. */
export interface StartGitopsOptions {
  readonly settings: GitopsSettings;
  readonly port: GitopsConfigPort;
  readonly store: SqlExecutor;
  readonly logger: GitopsLogger;
  /** The local repository lives under `<dataDir>/gitops/`. */
  readonly dataDir: string;
  /** Where the gauges go (the admin `/metrics`); none when absent. */
  readonly metrics?: Registry;
  /** Programs of the ssh transport; tests substitute stand-ins. */
  readonly programs?: GitPrograms;
  /** Passed to the sync (clock, lease identity and duration, limits, timeout). */
  readonly sync?: Pick<GitopsSyncOptions, 'now' | 'holder' | 'leaseTtlMs' | 'maxDirectories' | 'timeoutMs'>;
}

const run = promisify(execFile);

/**
 * Checks what the settings need (auth files readable; for ssh_key the `git` program), prepares
 * the local repository, registers the gauges and starts syncing at once, then every sync
 * interval. A failing remote does not fail the start: it shows in the status.
 * @throws GitopsSettingsError when a file or program the settings need is missing
 */
export async function startGitops(options: StartGitopsOptions): Promise<GitopsRunner> {
  const { settings, logger } = options;
  await checkPrerequisites(settings, options.programs ?? {});
  const gitdir = await prepareLocalRepository(options.dataDir, settings.repository);
  const fetcher = createGitFetcher(settings, gitdir, options.programs);
  const sync = createGitopsSync({ ...options.sync, settings, port: options.port, store: options.store, fetcher, gitdir, logger });
  if (options.metrics !== undefined) registerGitopsMetrics(options.metrics, () => sync.status());
  logger.info(
    {
      repository: settings.repository,
      branch: settings.branch,
      path: settings.path,
      syncIntervalMs: settings.syncIntervalMs,
      auth: settings.auth.type,
      transport: settings.transport,
      tenantId: settings.tenantId,
    },
    'gitops sync started',
  );
  return startGitopsRunner(sync, settings.syncIntervalMs);
}

async function checkPrerequisites(settings: GitopsSettings, programs: GitPrograms): Promise<void> {
  const { auth } = settings;
  if (auth.type === 'https_token') await requireReadable(auth.tokenFile, 'the token file');
  if (auth.type !== 'ssh_key') return;
  await requireReadable(auth.sshKeyFile, 'the ssh key file');
  if (auth.knownHostsFile !== undefined) await requireReadable(auth.knownHostsFile, 'the known-hosts file');
  const git = programs.git ?? 'git';
  try {
    await run(git, ['--version']);
  } catch (err) {
    throw new GitopsSettingsError(
      `ssh_key auth fetches with the ${git} program (isomorphic-git speaks only HTTP(S)), and it cannot be run ` +
        `(${(err as NodeJS.ErrnoException).code ?? 'error'}): install git and an ssh client, or use an https:// URL with https_token auth`,
      { cause: err },
    );
  }
}

async function requireReadable(file: string, what: string): Promise<void> {
  try {
    await access(file, constants.R_OK);
  } catch (err) {
    throw new GitopsSettingsError(`${what} ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
}
