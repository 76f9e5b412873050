import { ShepherdError } from '@shepherd/errors';

/**
 * An AgentToServer cannot be processed: undecodable bytes, a bad WebSocket
 * header, or an instance_uid that is not 16 bytes. Answered with OpAMP
 * error_response BadRequest (HTTP 400); the agent should not retry it.
 */
export class MalformedAgentMessageError extends ShepherdError {
  readonly code = 'OPAMP_MALFORMED_MESSAGE';
  readonly kind = 'invalid_argument' as const;
}

/**
 * A session was passed for a different instance uid than the message it
 * should answer: a bug in the caller's session bookkeeping.
 */
export class SessionMismatchError extends ShepherdError {
  readonly code = 'OPAMP_SESSION_MISMATCH';
  readonly kind = 'internal' as const;
}

/** An option of an opamp-core factory is out of range (thrown once, at construction). */
export class OpampCoreOptionError extends ShepherdError {
  readonly code = 'OPAMP_CORE_INVALID_OPTION';
  readonly kind = 'invalid_argument' as const;
}
