/** A problem of one config directory: the directory is skipped, the others apply. */
export interface DirectoryProblem {
  readonly directory: string;
  readonly code: string;
  readonly message: string;
}

/** A failed sync: nothing of the commit was applied (fetch, auth or layout failure). */
export interface SyncFailure {
  readonly code: string;
  readonly message: string;
  /** ISO-8601. */
  readonly at: string;
}

/** What the GitOps sync last did; see {@link SyncStatusTracker}. */
export interface GitopsSyncStatus {
  readonly repository: string;
  readonly branch: string;
  readonly path: string;
  readonly tenantId: string;
  /**
   * `syncing` while this process holds the sync lease; `standby` while another process does;
   * `stopped` after shutdown.
   */
  readonly state: 'starting' | 'syncing' | 'standby' | 'stopped';
  /** The last commit whose directories were processed. */
  readonly lastCommit?: string;
  /** ISO-8601 times of the last attempt and the last sync that fetched and processed the branch. */
  readonly lastAttemptAt?: string;
  readonly lastSuccessAt?: string;
  /** Present while the latest attempt failed; cleared by the next success. */
  readonly lastError?: SyncFailure;
  readonly consecutiveFailures: number;
  /** Config directories in the last processed commit. */
  readonly directories: number;
  /** Directories skipped because they are invalid or could not be applied, by directory. */
  readonly directoryErrors: readonly DirectoryProblem[];
  /** Versions created and targets deactivated since start. */
  readonly created: number;
  readonly deactivated: number;
}

/** Holds the status; the sync writes it, `status()` and the metrics read it. */
export class SyncStatusTracker {
  #status: GitopsSyncStatus;

  constructor(base: Pick<GitopsSyncStatus, 'repository' | 'branch' | 'path' | 'tenantId'>) {
    this.#status = Object.freeze({ ...base, state: 'starting', consecutiveFailures: 0, directories: 0, directoryErrors: [], created: 0, deactivated: 0 });
  }

  /** The current status (frozen). */
  get(): GitopsSyncStatus {
    return this.#status;
  }

  state(state: GitopsSyncStatus['state']): void {
    this.#update({ state });
  }

  attempt(at: Date): void {
    this.#update({ lastAttemptAt: at.toISOString() });
  }

  /** A sync that fetched and processed `commit`; per-directory problems do not make it fail. */
  succeeded(at: Date, commit: string, directories: number, problems: readonly DirectoryProblem[]): void {
    const { lastError: _cleared, ...rest } = this.#status;
    this.#status = Object.freeze({
      ...rest,
      lastCommit: commit,
      lastSuccessAt: at.toISOString(),
      consecutiveFailures: 0,
      directories,
      directoryErrors: Object.freeze([...problems].sort((a, b) => a.directory.localeCompare(b.directory))),
    });
  }

  failed(at: Date, error: { code: string; message: string }): void {
    this.#update({
      lastError: Object.freeze({ code: error.code, message: error.message, at: at.toISOString() }),
      consecutiveFailures: this.#status.consecutiveFailures + 1,
    });
  }

  counted(created: number, deactivated: number): void {
    this.#update({ created: this.#status.created + created, deactivated: this.#status.deactivated + deactivated });
  }

  #update(change: Partial<GitopsSyncStatus>): void {
    this.#status = Object.freeze({ ...this.#status, ...change });
  }
}
