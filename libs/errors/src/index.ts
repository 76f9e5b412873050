/**
 * @shepherd/errors: the base error class, the failure kinds, the single
 * table that maps them to HTTP, gRPC and OpAMP answers, and the loggable view
 * of a thrown value.
 */
export { ShepherdError, isShepherdError, type ShepherdErrorOptions } from './shepherd-error.js';
export { ERROR_KINDS, type ErrorKind } from './error-kind.js';
export { ERROR_RESPONSES, GrpcStatus, OpampErrorType, responseFor, type ErrorResponse } from './error-responses.js';
export { errorFields } from './error-fields.js';
