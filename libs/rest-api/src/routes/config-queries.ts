import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ConfigQueries, HistoryQuery } from '@shepherd/config-service';
import type { PrincipalRegistry } from '../authenticate-request.js';
import { AUDIT_QUERY, DIFF_PARAMS, HASH_PARAMS, HISTORY_QUERY, LIST_VERSIONS_QUERY, UID_PARAMS } from '../config-query-schemas.js';
import { InvalidRequestError } from '../errors.js';

interface Page {
  limit?: number;
  after?: string;
}

interface HistoryRoute {
  Querystring: Page & { selector?: string; agent?: string };
}

interface AuditRoute {
  Querystring: Page & { actor?: string; action?: string; subject?: string; hash?: string; since?: string; until?: string };
}

/** Paths of the read routes, under `/api` (OpenAPI spelling). */
export const CONFIG_QUERY_PATHS = {
  versions: '/v1/config-versions',
  version: '/v1/config-versions/{hash}',
  summary: '/v1/config-versions/{hash}/summary',
  diff: '/v1/config-versions/{from}/diff/{to}',
  history: '/v1/config-history',
  agentDiff: '/v1/agents/{uid}/config-diff',
  audit: '/v1/audit',
} as const;

/** The fastify spelling of an OpenAPI path (`{name}` → `:name`). */
const route = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

/** Only the fields the client gave: the query service applies its own defaults. */
function defined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * The selector of a history: JSON when it looks like an object, else the text syntax (both
 * checked by the config service's `parseSelector`).
 */
function selectorParam(text: string): unknown {
  if (!text.trimStart().startsWith('{')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidRequestError("'selector' in the query string is neither valid JSON nor selector text", {
      location: 'querystring',
      field: 'selector',
    });
  }
}

function historyQuery(tenantId: string, query: HistoryRoute['Querystring']): HistoryQuery {
  const { selector, agent, limit, after } = query;
  if ((selector === undefined) === (agent === undefined)) {
    throw new InvalidRequestError("give exactly one of 'selector' and 'agent' in the query string", {
      location: 'querystring',
      field: selector === undefined ? 'selector' : 'agent',
    });
  }
  const page = { tenantId, ...defined({ limit, after }) };
  return agent === undefined ? { ...page, selector: selectorParam(selector as string) } : { ...page, instanceUid: agent.toLowerCase() };
}

/**
 * Registers the read routes over config management on an instance mounted under `/api`:
 * version listing and detail, fleet summary, version diff, history of a selector or agent,
 * effective-vs-desired diff of an agent, and the audit log. Every route sees only the
 * caller's tenant.
 */
export function registerConfigQueryRoutes(api: FastifyInstance, queries: ConfigQueries, principals: PrincipalRegistry): void {
  const tenant = (request: FastifyRequest): string => principals.of(request).tenantId;

  api.get<{ Querystring: Page }>(route(CONFIG_QUERY_PATHS.versions), { schema: { querystring: LIST_VERSIONS_QUERY } }, async (request) => {
    const { limit, after } = request.query;
    return queries.listVersions({ tenantId: tenant(request), ...defined({ limit, after }) });
  });

  api.get<{ Params: { hash: string } }>(route(CONFIG_QUERY_PATHS.version), { schema: { params: HASH_PARAMS } }, async (request) =>
    queries.getVersion(tenant(request), request.params.hash),
  );

  api.get<{ Params: { hash: string } }>(route(CONFIG_QUERY_PATHS.summary), { schema: { params: HASH_PARAMS } }, async (request) =>
    queries.fleetSummary(tenant(request), request.params.hash),
  );

  api.get<{ Params: { from: string; to: string } }>(route(CONFIG_QUERY_PATHS.diff), { schema: { params: DIFF_PARAMS } }, async (request) =>
    queries.diffVersions(tenant(request), request.params.from, request.params.to),
  );

  api.get<HistoryRoute>(route(CONFIG_QUERY_PATHS.history), { schema: { querystring: HISTORY_QUERY } }, async (request) =>
    queries.history(historyQuery(tenant(request), request.query)),
  );

  api.get<{ Params: { uid: string } }>(route(CONFIG_QUERY_PATHS.agentDiff), { schema: { params: UID_PARAMS } }, async (request) =>
    queries.effectiveConfigDiff(tenant(request), request.params.uid.toLowerCase()),
  );

  api.get<AuditRoute>(route(CONFIG_QUERY_PATHS.audit), { schema: { querystring: AUDIT_QUERY } }, async (request) => {
    const { actor, action, subject, hash, since, until, limit, after } = request.query;
    return queries.queryAudit({ tenantId: tenant(request), ...defined({ actor, action, subject, hash, since, until, limit, after }) });
  });
}
