/**
 * @shepherd/rest-api: the REST admin API (`/api/v1/...`) over the
 * config-service admin port, with bearer authentication and JSON errors.
 */
export { restApiModule } from './rest-api-module.js';
export {
  createRestApi,
  DEFAULT_MAX_BODY_BYTES,
  type RestApi,
  type RestApiListenOptions,
  type RestApiOptions,
  type RunningRestApi,
} from './create-rest-api.js';
export { COLLECTOR_CONTENT_TYPE, COLLECTOR_FILE_NAME, configFiles, renderYaml } from './config-files.js';
export { errorReply, type ErrorBody, type ErrorReply } from './error-reply.js';
export { openApiDocument } from './openapi.js';
export {
  InvalidRequestError,
  InvalidYamlError,
  RestApiError,
  RestApiListenError,
  RestApiOptionsError,
  RouteNotFoundError,
  type ErrorDetails,
} from './errors.js';
