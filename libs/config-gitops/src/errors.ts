import { ShepherdError } from '@shepherd/errors';

/**
 * The GitOps settings (environment variables or the server YAML file) are invalid. Found once at
 * start-up; the message names the key (`GITOPS_SYNC_INTERVAL` or
 * `server.config_store.git.sync_interval`) and never quotes a secret.
 */
export class GitopsSettingsError extends ShepherdError {
  readonly code = 'GITOPS_SETTINGS_INVALID';
  readonly kind = 'invalid_argument' as const;
}

/** The remote refused the credentials (HTTP 401/403, or ssh denied the key). Nothing was applied. */
export class GitopsAuthError extends ShepherdError {
  readonly code = 'GITOPS_AUTH_FAILED';
  readonly kind = 'unauthenticated' as const;
}

/** The remote could not be fetched (unreachable, timed out, no such branch, protocol error). Nothing was applied. */
export class GitopsFetchError extends ShepherdError {
  readonly code = 'GITOPS_FETCH_FAILED';
  readonly kind = 'unavailable' as const;
}

/** The fetched commit does not have the expected layout (the configs path is missing or is a file, too many directories). */
export class GitopsLayoutError extends ShepherdError {
  readonly code = 'GITOPS_LAYOUT_INVALID';
  readonly kind = 'failed_precondition' as const;
}

/**
 * One config directory is invalid (missing or malformed `shepherd.yaml`, a bad selector, no config
 * file, too large, a selector another directory also uses). That directory is skipped; the others apply.
 */
export class GitopsDirectoryError extends ShepherdError {
  readonly code = 'GITOPS_DIRECTORY_INVALID';
  readonly kind = 'invalid_argument' as const;
}

/** The GitOps sync was given missing or out-of-range dependencies. */
export class GitopsOptionsError extends ShepherdError {
  readonly code = 'GITOPS_INVALID_OPTIONS';
  readonly kind = 'invalid_argument' as const;
}
