import type { PublicKeyInfo } from '@shepherd/config-signing';
import type { AddressInfo } from 'node:net';
import type { Authenticator } from '@shepherd/auth';
import type { AgentCommands, ConfigAdmin, ConfigQueries } from '@shepherd/config-service';
import type { Logger } from '@shepherd/runtime';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { PrincipalRegistry } from './authenticate-request.js';
import { errorReply } from './error-reply.js';
import { RestApiListenError, RestApiOptionsError, RouteNotFoundError } from './errors.js';
import { OPENAPI_PATH, SIGNING_KEY_PATH, openApiDocument } from './openapi.js';
import { registerAgentCommandRoutes } from './routes/agent-commands.js';
import { registerAgentRoutes } from './routes/agents.js';
import { registerAssignmentRoutes } from './routes/assignments.js';
import { registerEmergencyConfigRoutes } from './routes/emergency-configs.js';
import { registerConfigQueryRoutes } from './routes/config-queries.js';
import { registerConfigRoutes } from './routes/configs.js';
import { YAML_MEDIA_TYPES } from './schemas.js';

/** Default largest request body: 1 MiB, as fastify's own default. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const MAX_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Options of {@link createRestApi}. */
export interface RestApiOptions {
  readonly configAdmin: ConfigAdmin;
  /**
   * The read side (`/api/v1/config-versions...`, `config-history`, `agents/{uid}/config-diff`,
   * `audit`); those routes answer 404 when absent.
   */
  readonly configQueries?: ConfigQueries;
  readonly authenticator: Authenticator;
  readonly logger: Logger;
  /** Largest accepted request body in bytes (1 .. 64 MiB); larger answers 413. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * The public half of the config-signing key, served on
   * `GET /api/v1/config-signing-key` so agents can pin it; the route answers
   * 404 when absent.
   */
  readonly configSigningKey?: PublicKeyInfo;
  /** Commands to agents (`POST /api/v1/agents/{uid}/restart`); the route answers 404 when absent. */
  readonly agentCommands?: AgentCommands;
}

/** Where to listen; port 0 picks a free port. */
export interface RestApiListenOptions {
  readonly host: string;
  readonly port: number;
}

/** A listening REST API. */
export interface RunningRestApi {
  /** Base URL, e.g. `http://127.0.0.1:8080` (a wildcard host is shown as loopback). */
  readonly url: string;
  readonly port: number;
  /**
   * Stops accepting connections, answers requests arriving on open
   * connections with 503, waits for requests in flight, then resolves.
   * Idempotent.
   */
  close(): Promise<void>;
}

/** The REST API: a fastify instance (use `app.inject` in tests) and a way to serve it. */
export interface RestApi {
  readonly app: FastifyInstance;
  /**
   * Binds `host:port` and serves the API. Call at most once.
   * @throws {RestApiListenError} (rejection) when the address cannot be bound.
   * @throws {RestApiOptionsError} (rejection) on an invalid host or port.
   */
  listen(options: RestApiListenOptions): Promise<RunningRestApi>;
}

type CheckedOptions = Required<Omit<RestApiOptions, 'configSigningKey' | 'agentCommands' | 'configQueries'>> &
  Pick<RestApiOptions, 'configSigningKey' | 'agentCommands' | 'configQueries'>;

function checkedOptions(options: RestApiOptions): CheckedOptions {
  const { configAdmin, configQueries, authenticator, logger } = options ?? ({} as RestApiOptions);
  for (const [name, value, method] of [
    ['configAdmin', configAdmin, 'createConfig'],
    ['authenticator', authenticator, 'authenticate'],
    ['logger', logger, 'child'],
  ] as const) {
    if (typeof (value as unknown as Record<string, unknown> | undefined)?.[method] !== 'function') {
      throw new RestApiOptionsError(`createRestApi: ${name} is required`);
    }
  }
  if (configQueries !== undefined && typeof configQueries?.listVersions !== 'function') {
    throw new RestApiOptionsError('createRestApi: configQueries must be a ConfigQueries');
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1 || maxBodyBytes > MAX_MAX_BODY_BYTES) {
    throw new RestApiOptionsError(`createRestApi: maxBodyBytes must be an integer in 1..${MAX_MAX_BODY_BYTES}`);
  }
  return Object.freeze({ configAdmin, configQueries, authenticator, logger, maxBodyBytes, configSigningKey: options.configSigningKey, agentCommands: options.agentCommands });
}

function handleError(logger: Logger) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const answer = errorReply(err);
    if (answer.serverFault) logger.error({ err, reqId: request.id, url: request.url }, 'request failed');
    else logger.debug({ code: answer.body.error.code, reqId: request.id }, 'request refused');
    // RFC 6750 §3: a 401 names the scheme the client should use.
    if (answer.status === 401) void reply.header('www-authenticate', 'Bearer');
    return reply.code(answer.status).send(answer.body);
  };
}

/** Everything under `/api`: authentication first, then the routes and an authenticated 404. */
function apiPlugin(opts: CheckedOptions) {
  return async (api: FastifyInstance): Promise<void> => {
    const principals = new PrincipalRegistry(opts.authenticator);
    // onRequest runs before the body is read, so an anonymous caller cannot make us buffer it.
    api.addHook('onRequest', (request) => principals.authenticate(request));
    registerConfigRoutes(api, opts.configAdmin, principals);
    registerAgentRoutes(api, opts.configAdmin, principals);
    registerAssignmentRoutes(api, opts.configAdmin, principals);
    registerEmergencyConfigRoutes(api, opts.configAdmin, principals);
    if (opts.configQueries !== undefined) registerConfigQueryRoutes(api, opts.configQueries, principals);
    if (opts.agentCommands !== undefined) registerAgentCommandRoutes(api, opts.agentCommands, principals);
    const document = openApiDocument();
    api.get(OPENAPI_PATH, async () => document);
    api.get(SIGNING_KEY_PATH, async () => {
      if (opts.configSigningKey === undefined) throw new RouteNotFoundError('this server does not sign configs');
      return opts.configSigningKey;
    });
    api.setNotFoundHandler(async (request) => {
      throw new RouteNotFoundError(`no route ${request.method} ${request.url.split('?')[0]}`);
    });
  };
}

function baseUrl({ address, family, port }: AddressInfo): string {
  const isWildcard = address === '0.0.0.0' || address === '::';
  if (family === 'IPv6') return `http://[${isWildcard ? '::1' : address}]:${port}`;
  return `http://${isWildcard ? '127.0.0.1' : address}:${port}`;
}

/**
 * Builds the REST admin API (not listening): `POST /api/v1/configs`,
 * `GET /api/v1/agents`, `GET /api/v1/agents/:uid`, `GET /api/v1/openapi.json`.
 * Every `/api/` request needs a bearer token accepted by `authenticator`
 * (else 401 with `WWW-Authenticate: Bearer`); every failure is answered as
 * JSON `{ error: { code, message, details? } }` with the status of its kind.
 *
 * @throws {RestApiOptionsError} when a dependency is missing or `maxBodyBytes` is out of range.
 */
export function createRestApi(options: RestApiOptions): RestApi {
  const opts = checkedOptions(options);
  const logger = opts.logger.child({ component: 'rest-api' });
  const app = Fastify({
    // Widened so the instance has the default FastifyInstance type that callers and helpers name.
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: opts.maxBodyBytes,
    ajv: { customOptions: { removeAdditional: false, allowUnionTypes: true } },
  });
  // Only JSON and YAML bodies are read; anything else is answered 415 by fastify.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser([...YAML_MEDIA_TYPES], { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.setErrorHandler(handleError(logger));
  app.setNotFoundHandler(async (request) => {
    throw new RouteNotFoundError(`no route ${request.method} ${request.url.split('?')[0]}`);
  });
  void app.register(apiPlugin(opts), { prefix: '/api' });

  let running: Promise<RunningRestApi> | undefined;
  const listen = (listenOptions: RestApiListenOptions): Promise<RunningRestApi> => {
    running ??= (async () => {
      const { host, port } = listenOptions;
      if (typeof host !== 'string' || !Number.isInteger(port) || port < 0 || port > 65535) {
        throw new RestApiOptionsError('listen: host must be a string and port an integer in 0..65535');
      }
      try {
        await app.listen({ host, port });
      } catch (err) {
        throw new RestApiListenError(`cannot listen on ${host}:${port}`, { cause: err });
      }
      const address = app.server.address() as AddressInfo;
      const url = baseUrl(address);
      logger.info({ url, host, port: address.port }, 'REST API listening');
      let closed: Promise<void> | undefined;
      return Object.freeze({ url, port: address.port, close: () => (closed ??= app.close()) });
    })();
    return running;
  };
  return Object.freeze({ app, listen });
}
