import type { FastifyInstance } from 'fastify';
import { AgentNotFoundError, parseSelector, type AgentPage, type ConfigAdmin, type LabelSelector } from '@shepherd/config-service';
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
 * The filter from repeated `label=...` and `labels=...`, parsed together as one
 * Kubernetes selector text (`k=v`, `k!=v`, `k in (a,b)`, `k notin (a)`, `k`,
 * `!k`; a key given twice as `k=v` is refused); undefined when neither is given.
 * @throws {InvalidSelectorError} of `@shepherd/config-service`.
 */
function labelFilter(query: ListAgentsRoute['Querystring']): LabelSelector | undefined {
  const parts = [...(query.labels === undefined ? [] : [query.labels]), ...(query.label ?? [])];
  return parts.length === 0 ? undefined : parseSelector(parts.join(','));
}

/**
 * Registers `GET /v1/agents` (label filter, cursor pagination) and
 * `GET /v1/agents/:uid` on an instance mounted under `/api`. Both see only
 * the caller's tenant.
 */
export function registerAgentRoutes(api: FastifyInstance, configAdmin: ConfigAdmin, principals: PrincipalRegistry): void {
  api.get<ListAgentsRoute>('/v1/agents', { schema: LIST_AGENTS_SCHEMA }, async (request) => {
    const { tenantId } = principals.of(request);
    const selector = labelFilter(request.query);
    const page: AgentPage = await configAdmin.listAgents({
      tenantId,
      limit: request.query.limit ?? AGENT_PAGE.defaultLimit,
      ...(selector === undefined ? {} : { labels: selector.matchLabels }),
      ...(selector === undefined || selector.matchExpressions.length === 0 ? {} : { selector }),
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
