import { RESTART_AGENT_PATH, restartAgentOperation } from './routes/agent-commands.js';
import { configQueryPathItems } from './openapi-config-queries.js';
import { assignmentPathItems } from './openapi-assignments.js';
import { CREATE_CONFIG_PATHS } from './routes/configs.js';
import {
  CREATE_CONFIG_JSON_BODY,
  CREATE_CONFIG_QUERY,
  CREATE_CONFIG_RESULT,
  CREATE_CONFIG_YAML_BODY,
  ERROR_BODY,
  LIST_AGENTS_QUERY,
  UID_PATTERN,
  YAML_MEDIA_TYPES,
} from './schemas.js';

/** Path of the OpenAPI document itself (under `/api`). */
export const OPENAPI_PATH = '/v1/openapi.json';
/** Where the config-signing public key is served, under `/api`. */
export const SIGNING_KEY_PATH = '/v1/config-signing-key';

const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } } as const;
const NULLABLE_STRING = { type: ['string', 'null'] } as const;

const AGENT_VIEW = {
  type: 'object',
  required: ['instanceUid', 'tenantId', 'connected', 'labels', 'capabilities', 'remoteConfig'],
  properties: {
    instanceUid: { type: 'string', pattern: UID_PATTERN },
    tenantId: { type: 'string' },
    connected: { type: 'boolean' },
    gatewayId: NULLABLE_STRING,
    transport: NULLABLE_STRING,
    lastSeenAt: { type: ['string', 'null'], format: 'date-time' },
    firstSeenAt: { type: 'string', format: 'date-time' },
    identifying: STRING_MAP,
    nonIdentifying: STRING_MAP,
    labels: { ...STRING_MAP, description: 'Identifying and non-identifying attributes merged.' },
    capabilities: { type: 'array', items: { type: 'string' }, description: 'e.g. "AcceptsRemoteConfig".' },
    health: {
      type: ['object', 'null'],
      properties: {
        healthy: { type: 'boolean' },
        status: { type: 'string' },
        lastError: { type: 'string' },
        metrics: {
          type: 'object',
          additionalProperties: { type: 'number' },
          description: 'What the agent measured (ComponentHealth attributes), e.g. cpu_usage_percent; refreshed at most every 30 s.',
        },
      },
    },
    effectiveConfig: {
      type: ['object', 'null'],
      properties: {
        files: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            properties: {
              contentType: { type: 'string' },
              body: { type: 'string' },
              encoding: { enum: ['utf8', 'base64'] },
            },
          },
        },
      },
    },
    remoteConfig: {
      type: 'object',
      properties: {
        targetHash: NULLABLE_STRING,
        reportedHash: NULLABLE_STRING,
        status: { enum: ['UNSET', 'APPLIED', 'APPLYING', 'FAILED', null] },
        errorMessage: NULLABLE_STRING,
        lastAppliedHash: { ...NULLABLE_STRING, description: 'The last config the agent reported APPLIED (its last good one).' },
        lastAppliedAt: { type: ['string', 'null'], format: 'date-time' },
      },
    },
  },
} as const;

const json = (schema: object): object => ({ 'application/json': { schema } });
const errorAnswer = (description: string): object => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });
const COMMON_ERRORS = {
  400: errorAnswer('Invalid request (codes INVALID_REQUEST, CONFIG_INVALID_SELECTOR, CONFIG_INVALID_YAML, CONFIG_INVALID_CONFIG, ...).'),
  401: errorAnswer('Missing or invalid bearer token (code AUTH_UNAUTHENTICATED).'),
  500: errorAnswer('Internal error (code INTERNAL).'),
  503: errorAnswer('A backend is unavailable; retry later.'),
};

/** Turns a querystring object schema into OpenAPI parameters. */
function queryParameters(schema: { properties: Record<string, object> }): object[] {
  return Object.entries(schema.properties).map(([name, s]) => ({
    name,
    in: 'query',
    required: false,
    ...((s as { type?: string }).type === 'array' ? { style: 'form', explode: true } : {}),
    schema: s,
  }));
}

function createConfigOperation(alias: boolean): object {
  return {
    operationId: alias ? 'createConfigAlias' : 'createConfig',
    summary: alias
      ? 'Alias of POST /api/v1/configs (the path the seed document script uses).'
      : 'Assign a collector configuration to the agents a label selector matches.',
    ...(alias ? { deprecated: true } : {}),
    parameters: queryParameters(CREATE_CONFIG_QUERY),
    requestBody: {
      required: true,
      content: {
        'application/json': { schema: CREATE_CONFIG_JSON_BODY },
        ...Object.fromEntries(YAML_MEDIA_TYPES.map((t) => [t, { schema: CREATE_CONFIG_YAML_BODY }])),
      },
    },
    responses: {
      201: { description: 'Stored; matching agents are reconciled.', content: json(CREATE_CONFIG_RESULT) },
      ...COMMON_ERRORS,
      413: errorAnswer('Body too large (code PAYLOAD_TOO_LARGE).'),
      415: errorAnswer('Unsupported content type (code UNSUPPORTED_MEDIA_TYPE).'),
    },
  };
}

/**
 * Builds the OpenAPI 3.1 document of the REST API from the same schema
 * objects fastify validates with (a new plain object per call).
 */
export function openApiDocument(): Record<string, unknown> {
  const [plural, singular] = CREATE_CONFIG_PATHS;
  return {
    openapi: '3.1.0',
    info: { title: 'Shepherd admin API', version: '1' },
    security: [{ bearerAuth: [] }],
    paths: {
      [`/api${plural}`]: { post: createConfigOperation(false) },
      [`/api${singular}`]: { post: createConfigOperation(true) },
      '/api/v1/agents': {
        get: {
          operationId: 'listAgents',
          summary: "List the caller's agents, filtered by labels, one page at a time.",
          parameters: queryParameters(LIST_AGENTS_QUERY),
          responses: {
            200: {
              description: 'One page; `next` is absent on the last one.',
              content: json({
                type: 'object',
                required: ['agents'],
                properties: {
                  agents: { type: 'array', items: { $ref: '#/components/schemas/AgentView' } },
                  next: { type: 'string' },
                },
              }),
            },
            ...COMMON_ERRORS,
          },
        },
      },
      '/api/v1/agents/{uid}': {
        get: {
          operationId: 'getAgent',
          summary: 'One agent by instance uid.',
          parameters: [{ name: 'uid', in: 'path', required: true, schema: { type: 'string', pattern: UID_PATTERN } }],
          responses: {
            200: { description: 'The agent.', content: json({ $ref: '#/components/schemas/AgentView' }) },
            404: errorAnswer('No such agent in your tenant (code CONFIG_AGENT_NOT_FOUND).'),
            ...COMMON_ERRORS,
          },
        },
      },
      [`/api${RESTART_AGENT_PATH}`]: restartAgentOperation(errorAnswer, COMMON_ERRORS),
      ...configQueryPathItems(errorAnswer, COMMON_ERRORS),
      ...assignmentPathItems(errorAnswer, COMMON_ERRORS),
      [`/api${SIGNING_KEY_PATH}`]: {
        get: {
          operationId: 'getConfigSigningKey',
          summary: 'The public key that verifies offered configs (docs/config-signing.md): keyId, alg, PEM and JWK.',
          responses: {
            200: { description: 'The current signing key.', content: json({ type: 'object' }) },
            404: errorAnswer('The server does not sign configs (code ROUTE_NOT_FOUND).'),
            ...COMMON_ERRORS,
          },
        },
      },
      [`/api${OPENAPI_PATH}`]: {
        get: {
          operationId: 'openApi',
          summary: 'This document.',
          responses: { 200: { description: 'OpenAPI 3.1 document.' }, 401: COMMON_ERRORS[401] },
        },
      },
    },
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { AgentView: AGENT_VIEW, Error: ERROR_BODY },
    },
  };
}
