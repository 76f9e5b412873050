import { randomUUID } from 'node:crypto';
import { join } from 'node:path/posix';
import type { SqlExecutor } from '@shepherd/store';
import { readConfigDirectory, type DesiredConfig } from './config-directory.js';
import type { GitopsConfigPort } from './config-port.js';
import { GitopsDirectoryError, GitopsLayoutError, GitopsOptionsError } from './errors.js';
import type { GitFetcher } from './git-fetcher.js';
import { errorView, type GitopsLogger } from './gitops-logger.js';
import type { GitopsSettings } from './gitops-settings.js';
import { createTreeReader, type TreeReader } from './local-repository.js';
import { createSyncApplier, type DirectoryFailure, type SyncApplier } from './sync-applier.js';
import { acquireSyncLease, releaseSyncLease } from './sync-lease.js';
import { planSync, type PresentDirectory } from './sync-plan.js';
import { loadAppliedDirectories, maxAppliedRows, type AppliedDirectory, type SyncScope } from './sync-state-repository.js';
import { type GitopsSyncStatus, SyncStatusTracker } from './sync-status.js';

/** Options of {@link createGitopsSync}. */
export interface GitopsSyncOptions {
  readonly settings: GitopsSettings;
  readonly port: GitopsConfigPort;
  /** Holds the applied-directory records and the sync lease. */
  readonly store: SqlExecutor;
  readonly fetcher: GitFetcher;
  /** The local repository the fetcher fills. */
  readonly gitdir: string;
  readonly logger: GitopsLogger;
  /** Wall clock in ms (default `Date.now`). */
  readonly now?: () => number;
  /** Identity of this process in the sync lease (default a random UUID). */
  readonly holder?: string;
  /** Lease duration (default three sync intervals, at least the timeout plus one interval). */
  readonly leaseTtlMs?: number;
  /** Most config directories a commit may hold (default {@link DEFAULT_MAX_DIRECTORIES}). */
  readonly maxDirectories?: number;
  /** Longest one sync (fetch and apply) may take before it is abandoned as failed (default 2 min). */
  readonly timeoutMs?: number;
}

/** One repository's sync: call {@link GitopsSync.syncOnce} on a schedule (see `startGitopsSync`). */
export interface GitopsSync {
  /**
   * Fetches the branch and, when its commit changed (or an earlier sync left a retryable
   * failure), applies every changed config directory and deactivates the removed ones. Never
   * throws for sync failures (a timeout included): they land in the status. Rejects only when
   * `signal` aborts (shutdown).
   */
  syncOnce(signal: AbortSignal): Promise<GitopsSyncStatus>;
  /** The current status (frozen). */
  status(): GitopsSyncStatus;
  /** Marks the sync stopped and gives up the lease so another replica takes over at once. */
  stop(): Promise<void>;
}

/** Default most config directories per commit. */
export const DEFAULT_MAX_DIRECTORIES = 1000;
const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * Creates the sync of one repository. Only the holder of the repository's lease (one process at a
 * time, across replicas) fetches and applies; the others report `standby`.
 * @throws GitopsOptionsError when a dependency is missing
 */
export function createGitopsSync(options: GitopsSyncOptions): GitopsSync {
  for (const name of ['settings', 'port', 'store', 'fetcher', 'gitdir', 'logger'] as const) {
    if (options[name] === undefined || options[name] === null) throw new GitopsOptionsError(`${name} is required`);
  }
  return new RepositorySync(options);
}

class RepositorySync implements GitopsSync {
  readonly #options: GitopsSyncOptions;
  readonly #now: () => number;
  readonly #holder: string;
  readonly #maxDirectories: number;
  readonly #timeoutMs: number;
  readonly #leaseTtlMs: number;
  readonly #scope: SyncScope;
  readonly #tracker: SyncStatusTracker;
  readonly #applier: SyncApplier;
  #lastCommit: string | undefined;
  #retryPending = false;
  #failures = new Map<string, DirectoryFailure>();

  constructor(options: GitopsSyncOptions) {
    const { settings, store, logger } = options;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#holder = options.holder ?? randomUUID();
    this.#maxDirectories = options.maxDirectories ?? DEFAULT_MAX_DIRECTORIES;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // Outlives the longest sync, so no other replica takes over while one is still applying.
    this.#leaseTtlMs = options.leaseTtlMs ?? Math.max(3 * settings.syncIntervalMs, this.#timeoutMs + settings.syncIntervalMs);
    this.#scope = { tenantId: settings.tenantId, repository: settings.repository };
    this.#tracker = new SyncStatusTracker({ repository: settings.repository, branch: settings.branch, path: settings.path, tenantId: settings.tenantId });
    this.#applier = createSyncApplier({ settings, port: options.port, store, scope: this.#scope, logger, now: this.#now });
  }

  async syncOnce(signal: AbortSignal): Promise<GitopsSyncStatus> {
    this.#tracker.attempt(new Date(this.#now()));
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(this.#timeoutMs)]);
    try {
      await this.#attempt(bounded);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      const view = bounded.aborted
        ? { code: 'GITOPS_SYNC_TIMEOUT', message: `the sync took longer than ${this.#timeoutMs} ms and was abandoned` }
        : errorView(err);
      this.#tracker.failed(new Date(this.#now()), view);
      this.#options.logger.error({ ...statusFields(this.#tracker.get()), err: view }, 'gitops sync failed; nothing of the commit was applied');
    }
    return this.#tracker.get();
  }

  status(): GitopsSyncStatus {
    return this.#tracker.get();
  }

  async stop(): Promise<void> {
    this.#tracker.state('stopped');
    await releaseSyncLease(this.#options.store, this.#scope, this.#holder).catch((err: unknown) => {
      this.#options.logger.warn({ err: errorView(err) }, 'gitops sync lease not released; another replica takes over when it expires');
    });
  }

  async #attempt(signal: AbortSignal): Promise<void> {
    const { store, fetcher, logger, settings } = this.#options;
    if (!(await acquireSyncLease(store, this.#scope, this.#holder, this.#leaseTtlMs))) {
      if (this.#tracker.get().state !== 'standby') logger.info({ repository: settings.repository }, 'gitops sync on standby: another process holds the lease');
      this.#tracker.state('standby');
      return;
    }
    this.#tracker.state('syncing');
    const commit = await fetcher.fetch(signal);
    if (commit === this.#lastCommit && !this.#retryPending) {
      this.#tracker.succeeded(new Date(this.#now()), commit, this.#tracker.get().directories, this.#problems());
      logger.debug({ commit }, 'gitops sync: commit unchanged');
      return;
    }
    const directories = await this.#processCommit(commit, signal);
    this.#lastCommit = commit;
    this.#tracker.succeeded(new Date(this.#now()), commit, directories, this.#problems());
    logger.info(statusFields(this.#tracker.get()), 'gitops sync applied commit');
  }

  /** Applies the changed directories of `commit`; returns how many config directories it holds. */
  async #processCommit(commit: string, signal: AbortSignal): Promise<number> {
    const { store, settings, gitdir } = this.#options;
    const reader = createTreeReader(gitdir);
    const present = await listConfigDirectories(reader, commit, settings.path, this.#maxDirectories);
    const rows = await loadAppliedDirectories(store, this.#scope, maxAppliedRows(this.#maxDirectories));
    const applied = new Map<string, AppliedDirectory>(rows.map((row) => [row.directory, row]));
    const { parsed, problems } = await readChangedDirectories(reader, present, applied, this.#failures);
    const plan = planSync({ present, applied, parsed });
    for (const [directory, error] of plan.refused) {
      problems.set(directory, { treeOid: parsed.get(directory)?.treeOid ?? '', kind: 'conflict', problem: problemOf(directory, error) });
    }
    const outcome = await this.#applier.apply(plan, commit, signal);
    for (const [directory, failure] of outcome.failures) problems.set(directory, failure);
    this.#tracker.counted(outcome.created, outcome.deactivated);
    this.#failures = problems;
    this.#retryPending = [...problems.values()].some((failure) => failure.kind === 'transient');
    return present.length;
  }

  #problems(): DirectoryProblemList {
    return [...this.#failures.values()].map((failure) => failure.problem);
  }
}

type DirectoryProblemList = GitopsSyncStatus['directoryErrors'];

async function listConfigDirectories(reader: TreeReader, commit: string, path: string, max: number): Promise<PresentDirectory[]> {
  const entries = await reader.listDirectory(commit, path);
  if (entries === undefined) throw new GitopsLayoutError(`${path} does not exist in commit ${commit}; nothing was changed`);
  const present = entries.filter((entry) => entry.type === 'tree').map((entry) => ({ directory: join(path, entry.name), treeOid: entry.oid }));
  if (present.length > max) throw new GitopsLayoutError(`${path === '' ? 'the repository root' : path} holds ${present.length} directories; at most ${max} are synced`);
  return present.sort((a, b) => (a.directory < b.directory ? -1 : a.directory > b.directory ? 1 : 0));
}

async function readChangedDirectories(
  reader: TreeReader,
  present: readonly PresentDirectory[],
  applied: ReadonlyMap<string, AppliedDirectory>,
  known: ReadonlyMap<string, DirectoryFailure>,
): Promise<{ parsed: Map<string, DesiredConfig>; problems: Map<string, DirectoryFailure> }> {
  const parsed = new Map<string, DesiredConfig>();
  const problems = new Map<string, DirectoryFailure>();
  for (const { directory, treeOid } of present) {
    if (applied.get(directory)?.treeOid === treeOid) continue;
    const failure = known.get(directory);
    // Invalid content is read again only when it changes.
    if (failure?.kind === 'content' && failure.treeOid === treeOid) {
      problems.set(directory, failure);
      continue;
    }
    try {
      parsed.set(directory, await readConfigDirectory(reader, directory, treeOid));
    } catch (err) {
      if (!(err instanceof GitopsDirectoryError)) throw err;
      problems.set(directory, { treeOid, kind: 'content', problem: problemOf(directory, err) });
    }
  }
  return { parsed, problems };
}

function problemOf(directory: string, err: unknown): DirectoryFailure['problem'] {
  return { directory, ...errorView(err) };
}

function statusFields(status: GitopsSyncStatus): Record<string, unknown> {
  return {
    repository: status.repository,
    branch: status.branch,
    commit: status.lastCommit,
    directories: status.directories,
    directoryErrors: status.directoryErrors,
    created: status.created,
    deactivated: status.deactivated,
  };
}
