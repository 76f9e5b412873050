import type { GitopsSettings } from './gitops-settings.js';
import { createHttpFetcher } from './http-fetcher.js';
import { createSshFetcher } from './ssh-fetcher.js';

/**
 * Brings the configured branch of the remote into the local bare repository; the trees are then
 * read with isomorphic-git whoever fetched them.
 */
export interface GitFetcher {
  /**
   * Fetches the branch and returns its head commit id (40 hex).
   * @throws GitopsAuthError when the remote refuses the credentials; GitopsFetchError for any
   *   other failure; the signal's reason when `signal` aborts first
   */
  fetch(signal: AbortSignal): Promise<string>;
}

/** Programs the ssh transport runs; tests substitute stand-ins. */
export interface GitPrograms {
  /** Default `git`. */
  readonly git?: string;
  /** Default `ssh`. */
  readonly ssh?: string;
}

/**
 * The fetcher for the settings' transport: isomorphic-git over HTTP(S), or (isomorphic-git has no
 * ssh transport) the `git` binary with `GIT_SSH_COMMAND` using the configured key.
 */
export function createGitFetcher(settings: GitopsSettings, gitdir: string, programs: GitPrograms = {}): GitFetcher {
  const { repository, branch, auth } = settings;
  if (auth.type === 'ssh_key') return createSshFetcher({ repository, branch, auth, gitdir, ...programs });
  return createHttpFetcher({ repository, branch, auth, gitdir });
}
