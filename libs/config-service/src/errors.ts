import { ShepherdError } from '@shepherd/errors';

/** A label selector that cannot be parsed or is not a map of non-empty strings. */
export class InvalidSelectorError extends ShepherdError {
  readonly code = 'CONFIG_INVALID_SELECTOR';
  readonly kind = 'invalid_argument' as const;
}

/** A config (files, priority, name or author) that cannot be stored or offered. */
export class InvalidConfigError extends ShepherdError {
  readonly code = 'CONFIG_INVALID_CONFIG';
  readonly kind = 'invalid_argument' as const;
}

/** An agent query with an invalid limit, cursor, label filter or instance uid. */
export class InvalidAgentQueryError extends ShepherdError {
  readonly code = 'CONFIG_INVALID_AGENT_QUERY';
  readonly kind = 'invalid_argument' as const;
}

/** No agent with this instance uid exists in the caller's tenant. */
export class AgentNotFoundError extends ShepherdError {
  readonly code = 'CONFIG_AGENT_NOT_FOUND';
  readonly kind = 'not_found' as const;

  constructor(readonly instanceUid: string) {
    super(`agent ${instanceUid} not found`);
  }
}

/** Options of a config-service factory are missing or out of range. */
export class ConfigServiceOptionsError extends ShepherdError {
  readonly code = 'CONFIG_SERVICE_INVALID_OPTIONS';
  readonly kind = 'invalid_argument' as const;
}

/** A config-changed event on the bus is not the JSON this library publishes. */
export class MalformedConfigEventError extends ShepherdError {
  readonly code = 'CONFIG_MALFORMED_EVENT';
  readonly kind = 'invalid_argument' as const;
}

/** A command was asked for an agent that is not connected to any gateway now. */
export class AgentOfflineError extends ShepherdError {
  readonly code = 'AGENT_OFFLINE';
  readonly kind = 'failed_precondition' as const;
}

/** A command was asked for an agent that did not declare the capability it needs (§7.34). */
export class AgentCapabilityMissingError extends ShepherdError {
  readonly code = 'AGENT_CAPABILITY_MISSING';
  readonly kind = 'failed_precondition' as const;
}

/** No active assignment with this id (of the kind asked for) exists in the caller's tenant. */
export class AssignmentNotFoundError extends ShepherdError {
  readonly code = 'CONFIG_ASSIGNMENT_NOT_FOUND';
  readonly kind = 'not_found' as const;
}

/** The agent has no active pin to clear. */
export class AgentPinNotFoundError extends ShepherdError {
  readonly code = 'CONFIG_AGENT_PIN_NOT_FOUND';
  readonly kind = 'not_found' as const;
}

/** A rollback found no earlier config to return to (no active assignment, or no other hash in its history). */
export class NothingToRollBackError extends ShepherdError {
  readonly code = 'CONFIG_NOTHING_TO_ROLL_BACK';
  readonly kind = 'failed_precondition' as const;
}
