import type { LabelSelector } from '@shepherd/config-service';
import { isShepherdError } from '@shepherd/errors';
import type { SqlExecutor } from '@shepherd/store';
import type { GitopsConfigPort } from './config-port.js';
import { errorView, type GitopsLogger } from './gitops-logger.js';
import type { GitopsSettings } from './gitops-settings.js';
import type { PlannedCreate, PlannedRemoval, SyncPlan } from './sync-plan.js';
import { deleteAppliedDirectory, saveAppliedDirectory, type SyncScope } from './sync-state-repository.js';
import type { DirectoryProblem } from './sync-status.js';

/**
 * Why a directory was skipped: `content` (invalid; read again only when it changes), `conflict`
 * (its selector is held by another directory; judged again at every new commit) or `transient`
 * (the write failed; retried at the next sync even without a new commit).
 */
export interface DirectoryFailure {
  readonly treeOid: string;
  readonly kind: 'content' | 'conflict' | 'transient';
  readonly problem: DirectoryProblem;
}

/** What {@link SyncApplier.apply} did. */
export interface ApplyOutcome {
  readonly created: number;
  readonly deactivated: number;
  readonly failures: ReadonlyMap<string, DirectoryFailure>;
}

/** Carries out a {@link SyncPlan} through the config port, recording each applied directory. */
export interface SyncApplier {
  /** Applies the plan directory by directory; one directory's failure does not stop the others. Rejects only when `signal` aborts. */
  apply(plan: SyncPlan, commit: string, signal: AbortSignal): Promise<ApplyOutcome>;
}

/** Options of {@link createSyncApplier}. */
export interface SyncApplierOptions {
  readonly settings: GitopsSettings;
  readonly port: GitopsConfigPort;
  readonly store: SqlExecutor;
  readonly scope: SyncScope;
  readonly logger: GitopsLogger;
  readonly now: () => number;
}

const MAX_AUTHOR_LENGTH = 256;

/**
 * Creates the applier. Per directory the order is create → deactivate the selector it left →
 * record; a failure before the record leaves the previous record, so the next sync redoes the
 * directory (creating an identical version again is harmless: same hash).
 */
export function createSyncApplier(options: SyncApplierOptions): SyncApplier {
  return new PortApplier(options);
}

class PortApplier implements SyncApplier {
  readonly #options: SyncApplierOptions;
  readonly #author: string;

  constructor(options: SyncApplierOptions) {
    this.#options = options;
    this.#author = `gitops:${options.settings.repository}`.slice(0, MAX_AUTHOR_LENGTH);
  }

  async apply(plan: SyncPlan, commit: string, signal: AbortSignal): Promise<ApplyOutcome> {
    const { logger } = this.#options;
    const failures = new Map<string, DirectoryFailure>();
    let created = 0;
    let deactivated = 0;
    for (const planned of plan.creates) {
      signal.throwIfAborted();
      const { directory, treeOid } = planned.desired;
      try {
        const configHash = await this.#create(planned, commit);
        created++;
        if (planned.releases !== undefined) deactivated++;
        logger.info({ directory, commit, configHash }, 'gitops config applied');
      } catch (err) {
        // A refused config stays refused until the directory changes; anything else is retried.
        const kind = isShepherdError(err) && err.kind === 'invalid_argument' ? 'content' : 'transient';
        failures.set(directory, { treeOid, kind, problem: { directory, ...errorView(err) } });
        logger.warn({ directory, commit, kind, err: errorView(err) }, 'gitops config directory skipped');
      }
    }
    for (const removal of plan.removals) {
      signal.throwIfAborted();
      try {
        await this.#remove(removal, commit);
        if (removal.deactivate !== undefined) deactivated++;
        logger.info({ directory: removal.directory, commit, deactivated: removal.deactivate !== undefined }, 'gitops config directory removed');
      } catch (err) {
        failures.set(removal.directory, { treeOid: '', kind: 'transient', problem: { directory: removal.directory, ...errorView(err) } });
        logger.warn({ directory: removal.directory, commit, err: errorView(err) }, 'gitops removal not applied; retried at the next sync');
      }
    }
    return { created, deactivated, failures };
  }

  async #create(planned: PlannedCreate, commit: string): Promise<string> {
    const { settings, port, store, scope, now } = this.#options;
    const { desired } = planned;
    const { configHash } = await port.createConfig({
      tenantId: settings.tenantId,
      selector: desired.selector,
      files: desired.files,
      priority: desired.priority,
      ...(desired.label === undefined ? {} : { label: desired.label }),
      ...(desired.description === undefined ? {} : { description: desired.description }),
      author: this.#author,
      origin: { type: 'git', repository: settings.repository, branch: settings.branch, commit, path: desired.directory },
    });
    if (planned.releases !== undefined) await this.#deactivate(planned.releases, `the selector of ${desired.directory} changed in ${commit}`);
    const record = { directory: desired.directory, treeOid: desired.treeOid, selector: desired.selector, configHash, commit };
    await saveAppliedDirectory(store, scope, record, new Date(now()));
    return configHash;
  }

  async #remove(removal: PlannedRemoval, commit: string): Promise<void> {
    if (removal.deactivate !== undefined) await this.#deactivate(removal.deactivate, `${removal.directory} was removed in ${commit}`);
    await deleteAppliedDirectory(this.#options.store, this.#options.scope, removal.directory);
  }

  async #deactivate(selector: LabelSelector, reason: string): Promise<void> {
    try {
      await this.#options.port.deactivateTarget({ tenantId: this.#options.settings.tenantId, selector, author: this.#author, reason });
    } catch (err) {
      // Nothing active for the selector any more (e.g. an operator already removed it): the goal holds.
      if (isShepherdError(err) && err.kind === 'not_found') return;
      throw err;
    }
  }
}
