import type { FastifyInstance } from 'fastify';
import { AgentNotFoundError, parseSelector, type AgentPage, type ConfigAdmin } from '@shepherd/config-service';
import type { PrincipalRegistry } from '../authenticate-request.js';
import { InvalidRequestError } from '../errors.js';
import { AGENT_PAGE, LIST_AGENTS_QUERY, UID_PATTERN } from '../schemas.js';

interface ListAgentsRoute {
  Querystring: { label?: string[]; labels?: string; limit?: number; after?: string };
}

interface GetAgentRoute {
  Params: { uid: string };
}

const UID_RE = new RegExp(UID_PATTERN);

/** The route schemas, shared with the OpenAPI document. */
export const LIST_AGENTS_SCHEMA = { querystring: LIST_AGENTS_QUERY } as const;

/**
 * The label filter from repeated `label=k=v` and `labels=k=v,k2=v2`, parsed
 * as one selector text (a key given twice is refused); undefined when neither is given.
 * @throws {InvalidSelectorError} of `@shepherd/config-service`.
 */
function labelFilter(query: ListAgentsRoute['Querystring']): Readonly<Record<string, string>> | undefined {
  const parts = [...(query.labels === undefined ? [] : [query.labels]), ...(query.label ?? [])];
  return parts.length === 0 ? undefined : parseSelector(parts.join(',')).matchLabels;
}

/**
 * Registers `GET /v1/agents` (label filter, cursor pagination) and
 * `GET /v1/agents/:uid` on an instance mounted under `/api`. Both see only
 * the caller's tenant.
 */
export function registerAgentRoutes(api: FastifyInstance, configAdmin: ConfigAdmin, principals: PrincipalRegistry): void {
  api.get<ListAgentsRoute>('/v1/agents', { schema: LIST_AGENTS_SCHEMA }, async (request) => {
    const { tenantId } = principals.of(request);
    const labels = labelFilter(request.query);
    const page: AgentPage = await configAdmin.listAgents({
      tenantId,
      limit: request.query.limit ?? AGENT_PAGE.defaultLimit,
      ...(labels === undefined ? {} : { labels }),
      ...(request.query.after === undefined ? {} : { after: request.query.after }),
    });
    return page.next === undefined ? { agents: page.agents } : { agents: page.agents, next: page.next };
  });

  api.get<GetAgentRoute>('/v1/agents/:uid', async (request) => {
    const { tenantId } = principals.of(request);
    const { uid } = request.params;
    if (!UID_RE.test(uid)) {
      throw new InvalidRequestError(`'${uid.slice(0, 64)}' is not a canonical 8-4-4-4-12 hex agent uid`, {
        location: 'params',
        field: 'uid',
      });
    }
    const canonical = uid.toLowerCase();
    const agent = await configAdmin.getAgent(tenantId, canonical);
    if (agent === undefined) throw new AgentNotFoundError(canonical);
    return agent;
  });
}
