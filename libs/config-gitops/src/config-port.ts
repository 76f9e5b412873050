import type { ConfigFileInput, LabelSelector } from '@shepherd/config-service';

/** Where a GitOps version came from; recorded as the version's origin. */
export interface GitOrigin {
  readonly type: 'git';
  /** The repository URL as configured (never holds a password). */
  readonly repository: string;
  readonly branch: string;
  /** Full commit id (40 hex) the directory was read at. */
  readonly commit: string;
  /** The config directory inside the repository, e.g. `configs/prod`. */
  readonly path: string;
}

/** What the sync asks the config admin to create for one directory. */
export interface GitopsConfigInput {
  readonly tenantId: string;
  readonly selector: LabelSelector;
  readonly files: readonly ConfigFileInput[];
  readonly priority: number;
  readonly label?: string;
  readonly description?: string;
  /** `gitops:<repository>`. */
  readonly author: string;
  readonly origin: GitOrigin;
}

/** What the sync asks the config admin to deactivate when a directory leaves the repository. */
export interface GitopsDeactivateInput {
  readonly tenantId: string;
  readonly selector: LabelSelector;
  readonly author: string;
  readonly reason?: string;
}

/**
 * The part of the config admin (`ConfigAdmin` of @shepherd/config-service satisfies it) the
 * GitOps sync writes through: it never touches assignments or versions itself.
 */
export interface GitopsConfigPort {
  /**
   * Stores the version (origin git) and an assignment that supersedes the active one of the
   * same selector. Throws an error of kind `invalid_argument` for a config that is refused.
   */
  createConfig(input: GitopsConfigInput): Promise<{ readonly configHash: string }>;
  /** Deactivates the active assignment(s) of the selector. */
  deactivateTarget(input: GitopsDeactivateInput): Promise<unknown>;
}
