import type { FastifyInstance } from 'fastify';
import { type ConfigAdmin, type RollbackTarget, parseSelector } from '@shepherd/config-service';
import type { PrincipalRegistry } from '../authenticate-request.js';
import { ROLLBACK_BODY } from '../assignment-schemas.js';
import { InvalidRequestError } from '../errors.js';
import { UID_PATTERN } from '../schemas.js';

interface AgentRoute {
  Params: { uid: string };
}

interface RollbackRoute {
  Body: { selector?: string | Record<string, unknown>; instanceUid?: string; reason?: string };
}

const UID_RE = new RegExp(UID_PATTERN);

/** Paths of the assignment-model routes, under `/api` (OpenAPI spelling). */
export const ASSIGNMENT_PATHS = {
  resolution: '/v1/agents/{uid}/resolution',
  pin: '/v1/agents/{uid}/pin',
  rollbacks: '/v1/rollbacks',
} as const;

/** The route schema of `POST /v1/rollbacks`, shared with the OpenAPI document. */
export const ROLLBACK_SCHEMA = { body: ROLLBACK_BODY } as const;

/** The canonical lower-case uid of the path. @throws InvalidRequestError naming the `uid` path field */
export function agentUid(uid: string): string {
  if (!UID_RE.test(uid)) {
    throw new InvalidRequestError(`'${uid.slice(0, 64)}' is not a canonical 8-4-4-4-12 hex agent uid`, { location: 'params', field: 'uid' });
  }
  return uid.toLowerCase();
}

function rollbackTarget(tenantId: string, body: RollbackRoute['Body']): RollbackTarget {
  if ((body.selector === undefined) === (body.instanceUid === undefined)) {
    throw new InvalidRequestError("the body names exactly one of 'selector' or 'instanceUid'", { location: 'body', field: 'selector' });
  }
  return body.selector === undefined
    ? { tenantId, instanceUid: (body.instanceUid as string).toLowerCase() }
    : { tenantId, selector: parseSelector(body.selector) };
}

/**
 * Registers, on an instance mounted under `/api`: `GET /v1/agents/:uid/resolution` (which
 * config the agent gets and why), `POST /v1/rollbacks` (a selector to its previous config, or
 * one agent to its last good one) and `DELETE /v1/agents/:uid/pin`. All are scoped to the
 * caller's tenant; changes record the authenticated subject as their author.
 */
export function registerAssignmentRoutes(api: FastifyInstance, configAdmin: ConfigAdmin, principals: PrincipalRegistry): void {
  api.get<AgentRoute>('/v1/agents/:uid/resolution', async (request) => {
    const { tenantId } = principals.of(request);
    return configAdmin.resolve(tenantId, agentUid(request.params.uid));
  });

  api.post<RollbackRoute>('/v1/rollbacks', { schema: ROLLBACK_SCHEMA }, async (request, reply) => {
    const principal = principals.of(request);
    const target = rollbackTarget(principal.tenantId, request.body);
    const result = await configAdmin.rollback(target, principal.subject, request.body.reason);
    request.log.info({ assignmentId: result.assignmentId, kind: result.kind, configHash: result.configHash }, 'rolled back');
    return reply.code(201).send(result);
  });

  api.delete<AgentRoute>('/v1/agents/:uid/pin', async (request) => {
    const principal = principals.of(request);
    return configAdmin.clearAgentPin(principal.tenantId, agentUid(request.params.uid), principal.subject);
  });
}
