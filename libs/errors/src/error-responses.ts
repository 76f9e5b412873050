import type { ErrorKind } from './error-kind.js';
import { isShepherdError } from './shepherd-error.js';

/** gRPC status codes (numeric, as on the wire) used by the table below. */
export const GrpcStatus = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** OpAMP ServerErrorResponseType values (wire-facts §5). */
export const OpampErrorType = { Unknown: 0, BadRequest: 1, Unavailable: 2 } as const;

/** How one kind of failure is answered on HTTP, gRPC and OpAMP. */
export interface ErrorResponse {
  readonly http: number;
  readonly grpc: number;
  readonly opamp: (typeof OpampErrorType)[keyof typeof OpampErrorType];
}

/**
 * The one table that maps failures to protocol answers. Adding a kind without
 * a row is a compile error.
 */
export const ERROR_RESPONSES: Readonly<Record<ErrorKind, ErrorResponse>> = Object.freeze({
  invalid_argument: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, opamp: OpampErrorType.BadRequest },
  unauthenticated: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, opamp: OpampErrorType.BadRequest },
  permission_denied: { http: 403, grpc: GrpcStatus.PERMISSION_DENIED, opamp: OpampErrorType.BadRequest },
  not_found: { http: 404, grpc: GrpcStatus.NOT_FOUND, opamp: OpampErrorType.BadRequest },
  conflict: { http: 409, grpc: GrpcStatus.ALREADY_EXISTS, opamp: OpampErrorType.BadRequest },
  failed_precondition: { http: 412, grpc: GrpcStatus.FAILED_PRECONDITION, opamp: OpampErrorType.BadRequest },
  payload_too_large: { http: 413, grpc: GrpcStatus.RESOURCE_EXHAUSTED, opamp: OpampErrorType.BadRequest },
  resource_exhausted: { http: 429, grpc: GrpcStatus.RESOURCE_EXHAUSTED, opamp: OpampErrorType.Unavailable },
  unavailable: { http: 503, grpc: GrpcStatus.UNAVAILABLE, opamp: OpampErrorType.Unavailable },
  deadline_exceeded: { http: 504, grpc: GrpcStatus.DEADLINE_EXCEEDED, opamp: OpampErrorType.Unavailable },
  internal: { http: 500, grpc: GrpcStatus.INTERNAL, opamp: OpampErrorType.Unknown },
});

/** The protocol answers for any thrown value; unknown errors are `internal`. */
export function responseFor(err: unknown): ErrorResponse & { code: string; kind: ErrorKind } {
  if (isShepherdError(err)) return { ...ERROR_RESPONSES[err.kind], code: err.code, kind: err.kind };
  return { ...ERROR_RESPONSES.internal, code: 'INTERNAL', kind: 'internal' };
}
