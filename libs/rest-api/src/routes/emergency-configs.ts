import type { FastifyInstance } from 'fastify';
import { type ConfigAdmin, parseSelector } from '@shepherd/config-service';
import type { PrincipalRegistry } from '../authenticate-request.js';
import { EMERGENCY_CONFIG_BODY } from '../assignment-schemas.js';
import { configFiles } from '../config-files.js';
import { InvalidRequestError } from '../errors.js';
import { UID_PATTERN } from '../schemas.js';

interface SetRoute {
  Body: { target: string | Record<string, unknown>; config: Record<string, unknown> | string; description?: string };
}

interface ClearRoute {
  Params: { id: string };
}

const UID_RE = new RegExp(UID_PATTERN);

/** Paths of the emergency-config routes, under `/api` (OpenAPI spelling). */
export const EMERGENCY_PATHS = { collection: '/v1/emergency-configs', item: '/v1/emergency-configs/{id}' } as const;

/** The route schema of `POST /v1/emergency-configs`, shared with the OpenAPI document. */
export const SET_EMERGENCY_SCHEMA = { body: EMERGENCY_CONFIG_BODY } as const;

/**
 * Registers `POST /v1/emergency-configs` (seed 5.2: a config that overrides every other
 * assignment of the agents its target matches until cleared), `GET /v1/emergency-configs`
 * (the active ones) and `DELETE /v1/emergency-configs/:id`, on an instance mounted under `/api`.
 */
export function registerEmergencyConfigRoutes(api: FastifyInstance, configAdmin: ConfigAdmin, principals: PrincipalRegistry): void {
  api.post<SetRoute>('/v1/emergency-configs', { schema: SET_EMERGENCY_SCHEMA }, async (request, reply) => {
    const principal = principals.of(request);
    const { target, config, description } = request.body;
    const result = await configAdmin.setEmergencyConfig({
      tenantId: principal.tenantId,
      selector: parseSelector(target),
      files: configFiles(config),
      author: principal.subject,
      ...(description === undefined ? {} : { description }),
    });
    request.log.warn({ assignmentId: result.assignmentId, configHash: result.configHash, matchedAgents: result.matchedAgents }, 'emergency config set');
    return reply.code(201).send(result);
  });

  api.get('/v1/emergency-configs', async (request) => {
    const { tenantId } = principals.of(request);
    return { emergencyConfigs: await configAdmin.listEmergencyConfigs(tenantId) };
  });

  api.delete<ClearRoute>('/v1/emergency-configs/:id', async (request) => {
    const principal = principals.of(request);
    const { id } = request.params;
    if (!UID_RE.test(id)) {
      throw new InvalidRequestError(`'${id.slice(0, 64)}' is not an emergency config id (a UUID)`, { location: 'params', field: 'id' });
    }
    const result = await configAdmin.clearEmergencyConfig(principal.tenantId, id.toLowerCase(), principal.subject);
    request.log.warn({ assignmentId: result.assignmentId }, 'emergency config cleared');
    return result;
  });
}
