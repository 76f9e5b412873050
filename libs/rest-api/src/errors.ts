import { ShepherdError } from '@shepherd/errors';

/** Extra, client-safe facts about a failure, sent as `error.details` in the JSON answer. */
export type ErrorDetails = Readonly<Record<string, string | number>>;

/** Base of the REST errors that carry {@link ErrorDetails}. */
export abstract class RestApiError extends ShepherdError {
  /** Client-safe facts (field names, positions); never internals. */
  readonly details: ErrorDetails | undefined;

  constructor(message: string, details?: ErrorDetails, options: { cause?: unknown } = {}) {
    super(message, options);
    this.details = details === undefined ? undefined : Object.freeze({ ...details });
  }
}

/** `createRestApi` or `listen` received an invalid option (a programming error). */
export class RestApiOptionsError extends ShepherdError {
  readonly code = 'REST_API_OPTIONS_INVALID';
  readonly kind = 'invalid_argument' as const;
}

/** The REST listener could not bind its address (in use, not permitted, unknown host). */
export class RestApiListenError extends ShepherdError {
  readonly code = 'REST_API_LISTEN_FAILED';
  readonly kind = 'unavailable' as const;
}

/** The request is malformed: a missing or ill-typed field (named in `details.field`). */
export class InvalidRequestError extends RestApiError {
  readonly code = 'INVALID_REQUEST';
  readonly kind = 'invalid_argument' as const;
}

/**
 * YAML configuration text does not parse, or is not a single mapping;
 * `details.line`/`details.column` (1-based) point at a syntax error.
 */
export class InvalidYamlError extends RestApiError {
  readonly code = 'CONFIG_INVALID_YAML';
  readonly kind = 'invalid_argument' as const;
}

/** No route matches the method and path. */
export class RouteNotFoundError extends RestApiError {
  readonly code = 'ROUTE_NOT_FOUND';
  readonly kind = 'not_found' as const;
}
