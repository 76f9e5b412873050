import { ShepherdError } from '@shepherd/errors';

/** Thrown by `createCollectorSupervisor` when an option is invalid; the message names the option. */
export class CollectorSupervisorOptionsError extends ShepherdError {
  readonly code = 'AGENT_COLLECTOR_OPTIONS_INVALID';
  readonly kind = 'invalid_argument' as const;
}

/** The collector process could not be started (binary missing, not executable, spawn refused). */
export class CollectorStartError extends ShepherdError {
  readonly code = 'AGENT_COLLECTOR_START_FAILED';
  readonly kind = 'unavailable' as const;
}

/** Why a remote config was not applied; stable values, reported in the FAILED message. */
export type ApplyFailureReason =
  | 'signature'
  | 'unsupported'
  | 'invalid'
  | 'write'
  | 'rejected'
  | 'exited'
  | 'health-timeout'
  | 'stopped';

/**
 * A remote config was refused or rolled back. `reason` says at which step; the message is what
 * the agent reports as `RemoteConfigStatus.error_message`.
 */
export class RemoteConfigApplyError extends ShepherdError {
  readonly code = 'AGENT_REMOTE_CONFIG_FAILED';
  readonly kind = 'failed_precondition' as const;
  readonly reason: ApplyFailureReason;

  constructor(reason: ApplyFailureReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}
