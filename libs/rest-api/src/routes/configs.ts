import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseSelector, type ConfigAdmin, type CreateConfigInput, type CreateConfigResult } from '@shepherd/config-service';
import type { PrincipalRegistry } from '../authenticate-request.js';
import { configFiles } from '../config-files.js';
import { InvalidRequestError } from '../errors.js';
import {
  CREATE_CONFIG_JSON_BODY,
  CREATE_CONFIG_QUERY,
  CREATE_CONFIG_YAML_BODY,
  YAML_MEDIA_TYPES,
} from '../schemas.js';

/** The JSON body, as {@link CREATE_CONFIG_JSON_BODY} guarantees it after validation. */
interface CreateConfigJsonBody {
  /** Checked by `parseSelector`, so its messages and rules are the config service's. */
  target: string | Record<string, unknown>;
  config: Record<string, unknown> | string;
  name?: string;
  priority?: number;
  label?: string;
  description?: string;
}

interface CreateConfigQuery {
  target?: string;
  name?: string;
  priority?: number;
  label?: string;
  description?: string;
}

interface CreateConfigRoute {
  Body: CreateConfigJsonBody | string | undefined;
  Querystring: CreateConfigQuery;
}

type CreateConfigRequest = FastifyRequest<CreateConfigRoute>;

/** Paths that create a configuration; the singular one is what the seed document's script posts to. */
export const CREATE_CONFIG_PATHS = ['/v1/configs', '/v1/config'] as const;

/** The route schema, shared with the OpenAPI document. */
export const CREATE_CONFIG_SCHEMA = {
  body: {
    content: {
      'application/json': { schema: CREATE_CONFIG_JSON_BODY },
      ...Object.fromEntries(YAML_MEDIA_TYPES.map((type) => [type, { schema: CREATE_CONFIG_YAML_BODY }])),
    },
  },
  querystring: CREATE_CONFIG_QUERY,
} as const;

function isYamlRequest(request: FastifyRequest): boolean {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return (YAML_MEDIA_TYPES as readonly string[]).includes(mediaType);
}

/** Everything of the create input except who and which tenant, from either body form. */
function assignmentFrom(request: CreateConfigRequest): Omit<CreateConfigInput, 'tenantId' | 'author'> {
  const body = request.body;
  if (body === undefined || body === null || (typeof body === 'string' && !isYamlRequest(request))) {
    throw new InvalidRequestError('a request body is required: JSON {"target", "config"} or YAML with ?target=', {
      location: 'body',
    });
  }
  if (typeof body === 'string') {
    const { target, ...optional } = request.query;
    if (target === undefined) {
      throw new InvalidRequestError("'target' is required in the query string for a YAML body", {
        location: 'querystring',
        field: 'target',
      });
    }
    const selector = parseSelector(target);
    return withOptional({ selector, files: configFiles(body) }, optional);
  }
  const { target, config, ...optional } = body;
  return withOptional({ selector: parseSelector(target), files: configFiles(config) }, optional);
}

type OptionalFields = Pick<CreateConfigInput, 'name' | 'priority' | 'label' | 'description'>;

/** `base` plus the optional fields that were given (absent ones stay absent). */
function withOptional<T extends object>(base: T, optional: { [K in keyof OptionalFields]?: OptionalFields[K] | undefined }): T & OptionalFields {
  const given = Object.entries(optional).filter(([key, value]) => value !== undefined && ['name', 'priority', 'label', 'description'].includes(key));
  return { ...base, ...(Object.fromEntries(given) as OptionalFields) };
}

/**
 * Registers `POST /v1/configs` (and its alias `/v1/config`) on an instance
 * mounted under `/api`: validates the body, builds the selector and the
 * `collector.yaml` file, and answers 201 with the admin's result.
 */
export function registerConfigRoutes(api: FastifyInstance, configAdmin: ConfigAdmin, principals: PrincipalRegistry): void {
  for (const url of CREATE_CONFIG_PATHS) {
    api.post<CreateConfigRoute>(url, { schema: CREATE_CONFIG_SCHEMA }, async (request, reply) => {
      const principal = principals.of(request);
      const assignment = assignmentFrom(request);
      const result: CreateConfigResult = await configAdmin.createConfig({
        ...assignment,
        tenantId: principal.tenantId,
        author: principal.subject,
      });
      request.log.info(
        { assignmentId: result.assignmentId, configHash: result.configHash, matchedAgents: result.matchedAgents },
        'configuration assigned',
      );
      return reply.code(201).send({
        assignmentId: result.assignmentId,
        configHash: result.configHash,
        matchedAgents: result.matchedAgents,
        ...(result.previousHash === undefined ? {} : { previousHash: result.previousHash }),
      });
    });
  }
}

