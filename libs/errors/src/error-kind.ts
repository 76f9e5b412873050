/**
 * The failure categories Shepherd answers differently on each protocol.
 * Every {@link ShepherdError} names exactly one.
 */
export const ERROR_KINDS = [
  'invalid_argument',
  'unauthenticated',
  'permission_denied',
  'not_found',
  'conflict',
  'failed_precondition',
  'payload_too_large',
  'resource_exhausted',
  'unavailable',
  'deadline_exceeded',
  'internal',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];
