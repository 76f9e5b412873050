import { ShepherdError, type ShepherdErrorOptions } from '@shepherd/errors';

/** One problem with one environment variable, safe to print (secret values are never included). */
export interface ConfigIssue {
  /** The environment variable name, e.g. `NATS_URL`. */
  readonly variable: string;
  /** What is wrong, phrased to follow the variable name, e.g. `must be a nats:// or tls:// URL (got "x")`. */
  readonly problem: string;
}

/**
 * The environment configuration is invalid. Carries every issue found (one per
 * variable, plus any issue raised by an app's rule); the message lists them all
 * on one line and never contains a secret value.
 */
export class ConfigError extends ShepherdError {
  readonly code = 'CONFIG_INVALID';
  readonly kind = 'invalid_argument' as const;
  /** The problems, in catalogue order, then rule order. Never empty. */
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options: ShepherdErrorOptions = {}) {
    super(`invalid configuration: ${formatConfigIssues(issues)}`, options);
    this.issues = Object.freeze(issues.map((issue) => Object.freeze({ ...issue })));
  }
}

/**
 * Formats issues for a single line: `NAME problem` when there is one issue,
 * `NAME: problem; NAME: problem` when there are several.
 */
export function formatConfigIssues(issues: readonly ConfigIssue[]): string {
  const [only] = issues;
  if (issues.length === 1 && only !== undefined) return `${only.variable} ${only.problem}`;
  return issues.map((issue) => `${issue.variable}: ${issue.problem}`).join('; ');
}

/**
 * A name passed to `loadConfig` is not in the environment catalogue. This is a
 * programming error (the type system rejects it; plain JavaScript callers can
 * still get here), not a deployment one.
 */
export class UnknownEnvVarError extends ShepherdError {
  readonly code = 'CONFIG_UNKNOWN_VARIABLE';
  readonly kind = 'internal' as const;
}

/** Options given to a runtime factory (logger, admin server, shutdown, metrics) are invalid. */
export class RuntimeOptionsError extends ShepherdError {
  readonly code = 'RUNTIME_OPTIONS_INVALID';
  readonly kind = 'invalid_argument' as const;
}

/** A readiness check or shutdown hook was registered twice under the same name. */
export class DuplicateRegistrationError extends ShepherdError {
  readonly code = 'RUNTIME_DUPLICATE_REGISTRATION';
  readonly kind = 'conflict' as const;
}

/** Too many readiness checks or shutdown hooks were registered (the registries are bounded). */
export class RegistrationLimitError extends ShepherdError {
  readonly code = 'RUNTIME_REGISTRATION_LIMIT';
  readonly kind = 'resource_exhausted' as const;
}

/** A shutdown hook was registered after shutdown had started; it would never run. */
export class ShutdownInProgressError extends ShepherdError {
  readonly code = 'SHUTDOWN_IN_PROGRESS';
  readonly kind = 'failed_precondition' as const;
}

/** The admin HTTP listener could not bind its address (port in use, bad host, ...). */
export class AdminListenError extends ShepherdError {
  readonly code = 'ADMIN_LISTEN_FAILED';
  readonly kind = 'unavailable' as const;
}
