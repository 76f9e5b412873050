import type { FastifyInstance } from 'fastify';
import type { AgentCommands } from '@shepherd/config-service';
import type { PrincipalRegistry } from '../authenticate-request.js';
import { InvalidRequestError } from '../errors.js';
import { UID_PATTERN } from '../schemas.js';

interface RestartRoute {
  Params: { uid: string };
}

const UID_RE = new RegExp(UID_PATTERN);

/** Path of the restart command, under `/api`. */
export const RESTART_AGENT_PATH = '/v1/agents/{uid}/restart';

/** The OpenAPI operation of {@link RESTART_AGENT_PATH}; `errors` are the document's shared answers. */
export function restartAgentOperation(errorAnswer: (description: string) => object, commonErrors: object): object {
  return {
    post: {
      operationId: 'restartAgent',
      summary: 'Ask one agent to restart (ServerToAgentCommand Restart) through the gateway that holds its connection.',
      parameters: [{ name: 'uid', in: 'path', required: true, schema: { type: 'string', pattern: UID_PATTERN } }],
      responses: {
        202: {
          description: 'Sent to the owning gateway; the agent reports its health around the restart.',
          content: {
            'application/json': {
              schema: { type: 'object', properties: { commandId: { type: 'string' }, gatewayId: { type: 'string' } } },
            },
          },
        },
        404: errorAnswer('No such agent in your tenant (code CONFIG_AGENT_NOT_FOUND).'),
        412: errorAnswer('The agent is offline (AGENT_OFFLINE) or does not accept restart commands (AGENT_CAPABILITY_MISSING).'),
        ...commonErrors,
      },
    },
  };
}

/**
 * Registers `POST /v1/agents/:uid/restart` on an instance mounted under `/api`. The caller's
 * tenant scopes the agent; the authenticated subject is recorded as the actor.
 */
export function registerAgentCommandRoutes(api: FastifyInstance, commands: AgentCommands, principals: PrincipalRegistry): void {
  api.post<RestartRoute>('/v1/agents/:uid/restart', async (request, reply) => {
    const principal = principals.of(request);
    const { uid } = request.params;
    if (!UID_RE.test(uid)) {
      throw new InvalidRequestError(`'${uid.slice(0, 64)}' is not a canonical 8-4-4-4-12 hex agent uid`, { location: 'params', field: 'uid' });
    }
    const result = await commands.restart(principal.tenantId, uid.toLowerCase(), principal.subject);
    return reply.code(202).send(result);
  });
}
