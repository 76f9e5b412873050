import type {
  AgentHistoryPage,
  AuditPage,
  AuditQuery,
  ConfigQueries,
  ConfigVersionDetail,
  ConfigVersionPage,
  EffectiveConfigDiff,
  FleetSummary,
  HistoryQuery,
  PageQuery,
  TargetHistoryPage,
  VersionDiff,
} from '@shepherd/config-service';

/** One call a {@link FakeConfigQueries} received. */
export interface QueryCall {
  readonly method: keyof ConfigQueries;
  readonly args: readonly unknown[];
}

/**
 * An in-memory ConfigQueries for route tests: records every call and answers with a value
 * derived from its arguments (so a test can see what the route passed), or throws `failWith`.
 */
export class FakeConfigQueries implements ConfigQueries {
  readonly calls: QueryCall[] = [];
  failWith: unknown = undefined;

  private record<T>(method: keyof ConfigQueries, args: unknown[], answer: T): Promise<T> {
    this.calls.push({ method, args });
    return this.failWith === undefined ? Promise.resolve(answer) : Promise.reject(this.failWith);
  }

  listVersions(query: PageQuery): Promise<ConfigVersionPage> {
    return this.record('listVersions', [query], { versions: [], next: `after-${query.limit ?? 'default'}` });
  }

  getVersion(tenantId: string, hash: string): Promise<ConfigVersionDetail> {
    const detail = { hash, label: tenantId, name: null, description: null, author: 'alice', createdAt: '2030-01-01T00:00:00.000Z', origin: { type: 'api' as const }, files: [] };
    return this.record('getVersion', [tenantId, hash], detail);
  }

  diffVersions(tenantId: string, from: string, to: string): Promise<VersionDiff> {
    return this.record('diffVersions', [tenantId, from, to], { from, to, identical: from === to, files: [] });
  }

  history(query: HistoryQuery): Promise<TargetHistoryPage | AgentHistoryPage> {
    const page = 'instanceUid' in query ? { instanceUid: query.instanceUid, lastAppliedHash: null, assignments: [], reports: [] } : { targetKey: JSON.stringify(query.selector), assignments: [] };
    return this.record('history', [query], page);
  }

  fleetSummary(tenantId: string, hash: string): Promise<FleetSummary> {
    return this.record('fleetSummary', [tenantId, hash], { hash, total: 1, applied: 0, failed: 1, pending: 0, offline: 0, failures: [], failureGroupsOmitted: 0 });
  }

  effectiveConfigDiff(tenantId: string, instanceUid: string): Promise<EffectiveConfigDiff> {
    const diff = { instanceUid, desiredHash: null, reportedHash: null, status: null, errorMessage: null, effectiveReported: false, inSync: false, files: [] };
    return this.record('effectiveConfigDiff', [tenantId, instanceUid], diff);
  }

  queryAudit(query: AuditQuery): Promise<AuditPage> {
    return this.record('queryAudit', [query], { entries: [] });
  }
}
