import { AgentCapabilities } from '@shepherd/proto';
import type { SqlExecutor } from '@shepherd/store';
import type { EffectiveConfigRecord, HealthSummary, RemoteConfigStatusName } from './agent-reports.js';
import { targetHashSql } from './assignment-repository.js';
import { type LabelSelector, selectorJson } from './selector.js';

/** An agent as the admin API shows it. */
export interface AgentView {
  instanceUid: string;
  tenantId: string;
  connected: boolean;
  gatewayId: string | null;
  /** `websocket` or `http`. */
  transport: string | null;
  /** ISO-8601; updated at most every 30 s while nothing else changes. */
  lastSeenAt: string | null;
  firstSeenAt: string;
  identifying: Record<string, string>;
  nonIdentifying: Record<string, string>;
  /** Non-identifying overlaid by identifying attributes: what selectors match. */
  labels: Record<string, string>;
  /** AgentCapabilities names without prefix, e.g. `AcceptsRemoteConfig`, in bit order. */
  capabilities: string[];
  /** `metrics`: what the agent measured (ComponentHealth attributes), refreshed at most every 30 s. */
  health: { healthy: boolean; status: string; lastError: string; metrics: Record<string, number> } | null;
  /** File bodies are UTF-8 text, or base64 when `encoding` says so (binary bodies). */
  effectiveConfig: { files: Record<string, { contentType: string; body: string; encoding: 'utf8' | 'base64' }> } | null;
  remoteConfig: {
    /** The config the agent should run now (resolved from the active assignments). */
    targetHash: string | null;
    reportedHash: string | null;
    status: RemoteConfigStatusName | null;
    errorMessage: string | null;
    /** The last config the agent reported APPLIED (its last good one), kept while a newer one fails. */
    lastAppliedHash: string | null;
    /** When it reported that, ISO-8601. */
    lastAppliedAt: string | null;
  };
}

interface AgentViewRow extends Record<string, unknown> {
  instance_uid: string;
  tenant_id: string;
  connected: boolean;
  gateway_id: string | null;
  transport: string | null;
  last_seen_at: Date | null;
  first_seen_at: Date;
  identifying: Record<string, string>;
  non_identifying: Record<string, string>;
  labels: Record<string, string>;
  capabilities: bigint;
  health: HealthSummary | null;
  effective_config: EffectiveConfigRecord | null;
  target_hash: string | null;
  reported_hash: string | null;
  status: RemoteConfigStatusName | null;
  error_message: string | null;
  last_applied_hash: string | null;
  last_applied_at: Date | null;
}

/** A page of {@link AgentView}s. */
export interface AgentViewQuery {
  readonly tenantId: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Agents must also satisfy this selector (expressions included). */
  readonly selector: LabelSelector;
  /** Exclusive lower bound on the instance uid; `null` for the first page. */
  readonly afterUid: string | null;
  readonly limit: number;
}

const VIEW_SELECT = `
  SELECT a.instance_uid, a.tenant_id, a.connected, a.gateway_id, a.transport, a.last_seen_at, a.first_seen_at,
         a.identifying, a.non_identifying, a.labels, a.capabilities, a.health, a.effective_config,
         ${targetHashSql('a.tenant_id', 'a.labels', 'a.instance_uid')} AS target_hash,
         s.reported_hash, s.status, s.error_message, s.last_applied_hash, s.last_applied_at
    FROM agents a
    LEFT JOIN agent_config_state s ON s.instance_uid = a.instance_uid`;

/** Agents of the tenant whose labels contain `labels` and satisfy `selector`, in instance-uid order. */
export async function queryAgentViews(db: SqlExecutor, query: AgentViewQuery): Promise<AgentView[]> {
  const { rows } = await db.query<AgentViewRow>(
    `${VIEW_SELECT}
      WHERE a.tenant_id = $1 AND a.labels @> $2::jsonb AND a.labels @> $5::jsonb AND selector_matches(a.labels, $6::jsonb)
        AND ($3::uuid IS NULL OR a.instance_uid > $3::uuid)
      ORDER BY a.instance_uid LIMIT $4`,
    [query.tenantId, query.labels, query.afterUid, query.limit, query.selector.matchLabels, selectorJson(query.selector)],
  );
  return rows.map(toAgentView);
}

/** One agent of the tenant; `undefined` when it does not exist there. */
export async function loadAgentView(db: SqlExecutor, tenantId: string, instanceUid: string): Promise<AgentView | undefined> {
  const { rows } = await db.query<AgentViewRow>(`${VIEW_SELECT} WHERE a.tenant_id = $1 AND a.instance_uid = $2`, [tenantId, instanceUid]);
  return rows[0] === undefined ? undefined : toAgentView(rows[0]);
}

/** Names of the AgentCapabilities bits set in `mask`, without the `AgentCapabilities_` prefix. */
export function capabilityNames(mask: bigint): string[] {
  return Object.entries(AgentCapabilities)
    .filter(([, bit]) => typeof bit === 'number' && bit !== 0 && (mask & BigInt(bit)) === BigInt(bit))
    .map(([name]) => name.replace(/^AgentCapabilities_/, ''));
}

function toAgentView(row: AgentViewRow): AgentView {
  return {
    instanceUid: row.instance_uid,
    tenantId: row.tenant_id,
    connected: row.connected,
    gatewayId: row.gateway_id,
    transport: row.transport,
    lastSeenAt: row.last_seen_at?.toISOString() ?? null,
    firstSeenAt: row.first_seen_at.toISOString(),
    identifying: row.identifying,
    nonIdentifying: row.non_identifying,
    labels: row.labels,
    capabilities: capabilityNames(BigInt.asUintN(64, row.capabilities)),
    health:
      row.health === null
        ? null
        : { healthy: row.health.healthy, status: row.health.status, lastError: row.health.lastError, metrics: { ...(row.health.metrics ?? {}) } },
    effectiveConfig: row.effective_config === null ? null : { files: { ...row.effective_config.files } },
    remoteConfig: {
      targetHash: row.target_hash,
      reportedHash: row.reported_hash,
      status: row.status,
      errorMessage: row.error_message,
      lastAppliedHash: row.last_applied_hash,
      lastAppliedAt: row.last_applied_at?.toISOString() ?? null,
    },
  };
}
