import type { SqlStore } from '@shepherd/store';
import { type AuditPage, queryAudit } from './audit-query.js';
import { type FileDiff, diffConfigFiles } from './config-diff.js';
import { type EffectiveConfigDiff, effectiveConfigDiff } from './effective-config-diff.js';
import { ConfigServiceOptionsError } from './errors.js';
import { type FleetSummary, fleetSummary } from './fleet-summary.js';
import { InvalidConfigQueryError } from './query-errors.js';
import { configHashParam, instanceUidParam, pageLimit, queryTenant, textFilter, timeFilter } from './query-input.js';
import { parseSelector, selectorKey } from './selector.js';
import { type AgentHistoryPage, type TargetHistoryPage, agentHistory, targetHistory } from './target-history.js';
import { type ConfigVersionDetail, type ConfigVersionPage, getVersion, listVersions } from './version-listing.js';

/** A page request: `limit` 1..1000 (default 100), `after` the `next` of the previous page. */
export interface PageQuery {
  readonly tenantId: string;
  readonly limit?: number;
  readonly after?: string;
}

/** Whose history: a selector (any form `parseSelector` takes) or one agent. */
export type HistoryQuery = PageQuery & ({ readonly selector: unknown } | { readonly instanceUid: string });

/** Filters of {@link ConfigQueries.queryAudit}; all optional, all exact matches. */
export interface AuditQuery extends PageQuery {
  readonly actor?: string;
  readonly action?: string;
  readonly subject?: string;
  /** Entries whose before or after hash is this one. */
  readonly hash?: string;
  /** Inclusive lower bound (ISO-8601 text or Date). */
  readonly since?: string | Date;
  /** Exclusive upper bound (ISO-8601 text or Date). */
  readonly until?: string | Date;
}

/** The text diff between two versions. */
export interface VersionDiff {
  readonly from: string;
  readonly to: string;
  /** True when the versions have the same files (e.g. `from` equals `to`). */
  readonly identical: boolean;
  /** Files that differ, in name order; equal files are not listed. */
  readonly files: readonly FileDiff[];
}

/**
 * The read side of config management: versions, histories, diffs, fleet summaries and the audit
 * log. Every query sees only the given tenant; other tenants' rows answer as absent.
 * Bad input throws InvalidConfigQueryError (or InvalidSelectorError) naming the field.
 */
export interface ConfigQueries {
  /** Versions newest first, with metadata and file names and sizes (no bodies). */
  listVersions(query: PageQuery): Promise<ConfigVersionPage>;
  /** One version with its files. @throws ConfigVersionNotFoundError */
  getVersion(tenantId: string, hash: string): Promise<ConfigVersionDetail>;
  /** Unified text diff per file from version `from` to `to`. @throws ConfigVersionNotFoundError naming the missing one */
  diffVersions(tenantId: string, from: string, to: string): Promise<VersionDiff>;
  /** The assignments of a selector (by its canonical key) or of an agent, newest first. @throws AgentNotFoundError */
  history(query: HistoryQuery): Promise<TargetHistoryPage | AgentHistoryPage>;
  /** Applied / failed (grouped by message) / pending / offline over the agents targeting `hash`. @throws ConfigVersionNotFoundError */
  fleetSummary(tenantId: string, hash: string): Promise<FleetSummary>;
  /** An agent's reported effective config against its live target's files. @throws AgentNotFoundError */
  effectiveConfigDiff(tenantId: string, instanceUid: string): Promise<EffectiveConfigDiff>;
  /** The tenant's audit log newest first, filtered. */
  queryAudit(query: AuditQuery): Promise<AuditPage>;
}

/** Options of {@link createConfigQueries}. */
export interface ConfigQueriesOptions {
  readonly store: SqlStore;
}

/**
 * Creates the {@link ConfigQueries} over the store (read-only: it never writes).
 * @throws ConfigServiceOptionsError when the store is missing
 */
export function createConfigQueries(options: ConfigQueriesOptions): ConfigQueries {
  const store = options?.store;
  if (typeof store?.query !== 'function') throw new ConfigServiceOptionsError('store is required');
  return Object.freeze({
    listVersions: async (query: PageQuery) => listVersions(store, queryTenant(query.tenantId), pageLimit(query.limit), query.after),
    getVersion: async (tenantId: string, hash: string) => getVersion(store, queryTenant(tenantId), configHashParam(hash, 'hash')),
    async diffVersions(tenantId: string, from: string, to: string): Promise<VersionDiff> {
      const tenant = queryTenant(tenantId);
      const [fromHash, toHash] = [configHashParam(from, 'from'), configHashParam(to, 'to')];
      const before = await getVersion(store, tenant, fromHash);
      const after = toHash === fromHash ? before : await getVersion(store, tenant, toHash);
      const files = diffConfigFiles(before.files, after.files);
      return Object.freeze({ from: fromHash, to: toHash, identical: files.length === 0, files });
    },
    async history(query: HistoryQuery): Promise<TargetHistoryPage | AgentHistoryPage> {
      const tenantId = queryTenant(query.tenantId);
      const limit = pageLimit(query.limit);
      const hasSelector = 'selector' in query && query.selector !== undefined;
      const hasAgent = 'instanceUid' in query && query.instanceUid !== undefined;
      if (hasSelector === hasAgent) throw new InvalidConfigQueryError('a history needs exactly one of selector and instanceUid');
      if (hasAgent) return agentHistory(store, tenantId, instanceUidParam(query.instanceUid, 'instanceUid'), limit, query.after);
      const key = selectorKey(parseSelector((query as { selector: unknown }).selector));
      return targetHistory(store, tenantId, key, limit, query.after);
    },
    fleetSummary: async (tenantId: string, hash: string) => fleetSummary(store, queryTenant(tenantId), configHashParam(hash, 'hash')),
    effectiveConfigDiff: async (tenantId: string, instanceUid: string) =>
      effectiveConfigDiff(store, queryTenant(tenantId), instanceUidParam(instanceUid, 'instanceUid')),
    async queryAudit(query: AuditQuery): Promise<AuditPage> {
      const tenantId = queryTenant(query.tenantId);
      const filter = {
        actor: textFilter(query.actor, 'actor'),
        action: textFilter(query.action, 'action'),
        subject: textFilter(query.subject, 'subject'),
        hash: query.hash === undefined ? null : configHashParam(query.hash, 'hash'),
        since: timeFilter(query.since, 'since'),
        until: timeFilter(query.until, 'until'),
      };
      return queryAudit(store, tenantId, filter, pageLimit(query.limit), query.after);
    },
  });
}
