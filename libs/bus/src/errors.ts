import { ERROR_KINDS, ShepherdError, type ErrorKind, type ShepherdErrorOptions } from '@shepherd/errors';

/** Any call on a bus after `close()` began. */
export class BusClosedError extends ShepherdError {
  readonly code = 'BUS_CLOSED';
  readonly kind = 'unavailable' as const;

  constructor(operation: string) {
    super(`the bus is closed (${operation})`);
  }
}

/**
 * The broker cannot be reached or did not answer in time: connect failure,
 * connect timeout, publish acknowledgement timeout, lost connection.
 * Callers may retry later.
 */
export class BusUnavailableError extends ShepherdError {
  readonly code = 'BUS_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
}

/** No stream captures the subject (publish) or the named stream does not exist (consume). */
export class NoStreamError extends ShepherdError {
  readonly code = 'BUS_NO_STREAM';
  readonly kind = 'failed_precondition' as const;
}

/** A request got no reply within its timeout. */
export class RequestTimeoutError extends ShepherdError {
  readonly code = 'BUS_REQUEST_TIMEOUT';
  readonly kind = 'deadline_exceeded' as const;

  constructor(subject: string, timeoutMs: number, options?: ShepherdErrorOptions) {
    super(`no reply on '${subject}' within ${timeoutMs} ms`, options);
  }
}

/** A request found nobody subscribed to its subject. */
export class NoRespondersError extends ShepherdError {
  readonly code = 'BUS_NO_RESPONDERS';
  readonly kind = 'unavailable' as const;

  constructor(subject: string, options?: ShepherdErrorOptions) {
    super(`no responders on '${subject}'`, options);
  }
}

/** A subject (or subject pattern) breaks NATS subject syntax, or uses wildcards where none are allowed. */
export class InvalidSubjectError extends ShepherdError {
  readonly code = 'BUS_INVALID_SUBJECT';
  readonly kind = 'invalid_argument' as const;
}

/** A stream, durable or queue-group name is empty or contains forbidden characters. */
export class InvalidNameError extends ShepherdError {
  readonly code = 'BUS_INVALID_NAME';
  readonly kind = 'invalid_argument' as const;
}

/** A header name or value cannot be carried (reserved `Nats-` prefix, control characters, `:`). */
export class InvalidHeaderError extends ShepherdError {
  readonly code = 'BUS_INVALID_HEADER';
  readonly kind = 'invalid_argument' as const;
}

/** An option passed to a bus factory or method is out of range. */
export class InvalidBusOptionError extends ShepherdError {
  readonly code = 'BUS_INVALID_OPTION';
  readonly kind = 'invalid_argument' as const;
}

/** A broker URL cannot be parsed or uses an unsupported scheme. */
export class InvalidBusUrlError extends ShepherdError {
  readonly code = 'BUS_INVALID_URL';
  readonly kind = 'invalid_argument' as const;
}

/** Headers plus payload exceed the broker's maximum message size. */
export class PayloadTooLargeError extends ShepherdError {
  readonly code = 'BUS_PAYLOAD_TOO_LARGE';
  readonly kind = 'payload_too_large' as const;
}

/** Too many publishes are already waiting for a free in-flight slot; shed load and retry later. */
export class PublishQueueFullError extends ShepherdError {
  readonly code = 'BUS_PUBLISH_QUEUE_FULL';
  readonly kind = 'resource_exhausted' as const;
}

/** A stream definition clashes with an existing stream (overlapping subjects). */
export class StreamConflictError extends ShepherdError {
  readonly code = 'BUS_STREAM_CONFLICT';
  readonly kind = 'conflict' as const;
}

/** A durable consumer already exists with a different filter subject. */
export class ConsumerConflictError extends ShepherdError {
  readonly code = 'BUS_CONSUMER_CONFLICT';
  readonly kind = 'conflict' as const;
}

/**
 * The responder's handler threw. `remoteCode` is the responder's stable error
 * code (`INTERNAL` for non-Shepherd errors); `kind` is the responder's kind,
 * so an `invalid_argument` raised remotely is answered as one locally.
 */
export class RemoteHandlerError extends ShepherdError {
  readonly code = 'BUS_REMOTE_HANDLER_FAILED';
  readonly kind: ErrorKind;
  readonly remoteCode: string;

  constructor(message: string, remoteCode: string, remoteKind: string) {
    super(message);
    this.remoteCode = remoteCode;
    this.kind = (ERROR_KINDS as readonly string[]).includes(remoteKind) ? (remoteKind as ErrorKind) : 'internal';
  }
}
