import { Transport } from '@shepherd/proto';
import type { SqlExecutor } from '@shepherd/store';
import { stableDigest } from './stable-digest.js';

/** What the config service knows of an agent after recording a message or connection event. */
export interface AgentSnapshot {
  /** Canonical lower-case uuid text. */
  readonly instanceUid: string;
  readonly tenantId: string;
  /** AgentCapabilities bit mask (unsigned). */
  readonly capabilities: bigint;
  /** True once an AgentDescription was stored; labels are unknown before. */
  readonly described: boolean;
  readonly connected: boolean;
  readonly gatewayId: string | null;
  /** `websocket` or `http`. */
  readonly transport: string | null;
}

/**
 * The last state written to `agents` for one agent, as kept in the inventory cache: scalars as
 * they are, JSON columns as digests only, so an entry stays small.
 */
export interface AgentRecord extends AgentSnapshot {
  readonly identifyingDigest: string;
  readonly nonIdentifyingDigest: string;
  /** Digest of the health state without its metrics (see {@link healthDigests}). */
  readonly healthDigest: string;
  /** Digest of the health metrics last written. */
  readonly metricsDigest: string;
  readonly effectiveConfigDigest: string;
  readonly remoteConfigStatusDigest: string;
  /** `last_seen_at` as written, in ms since the epoch (0 when never written). */
  readonly lastSeenWrittenAt: number;
}

/** Columns of `agents` the inventory writes. */
export type AgentColumn =
  | 'tenant_id'
  | 'identifying'
  | 'non_identifying'
  | 'described'
  | 'capabilities'
  | 'sequence_num'
  | 'connected'
  | 'gateway_id'
  | 'transport'
  | 'last_seen_at'
  | 'health'
  | 'effective_config'
  | 'remote_config_status';

/** Column values to write; the keys are a closed set, so they are safe to splice into SQL. */
export type AgentChanges = Partial<Record<AgentColumn, unknown>>;

interface AgentRow extends Record<string, unknown> {
  tenant_id: string;
  identifying: unknown;
  non_identifying: unknown;
  described: boolean;
  capabilities: bigint;
  connected: boolean;
  gateway_id: string | null;
  transport: string | null;
  last_seen_at: Date | null;
  health: unknown;
  effective_config: unknown;
  remote_config_status: unknown;
}

/** Reads an agent's stored state; `undefined` when the agent has no row. */
export async function loadAgentRecord(db: SqlExecutor, instanceUid: string): Promise<AgentRecord | undefined> {
  const { rows } = await db.query<AgentRow>(
    `SELECT tenant_id, identifying, non_identifying, described, capabilities, connected, gateway_id, transport,
            last_seen_at, health, effective_config, remote_config_status
       FROM agents WHERE instance_uid = $1`,
    [instanceUid],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    instanceUid,
    tenantId: row.tenant_id,
    capabilities: BigInt.asUintN(64, row.capabilities),
    described: row.described,
    connected: row.connected,
    gatewayId: row.gateway_id,
    transport: row.transport,
    identifyingDigest: stableDigest(row.identifying),
    nonIdentifyingDigest: stableDigest(row.non_identifying),
    ...healthDigests(row.health),
    effectiveConfigDigest: stableDigest(row.effective_config),
    remoteConfigStatusDigest: stableDigest(row.remote_config_status),
    lastSeenWrittenAt: row.last_seen_at?.getTime() ?? 0,
  };
}

/** A record for an agent that has no row yet: what the column defaults amount to. */
export function emptyAgentRecord(instanceUid: string, tenantId: string): AgentRecord {
  return {
    instanceUid,
    tenantId,
    capabilities: 0n,
    described: false,
    connected: false,
    gatewayId: null,
    transport: null,
    identifyingDigest: stableDigest({}),
    nonIdentifyingDigest: stableDigest({}),
    ...healthDigests(null),
    effectiveConfigDigest: stableDigest(null),
    remoteConfigStatusDigest: stableDigest(null),
    lastSeenWrittenAt: 0,
  };
}

/**
 * Inserts the agent or updates the changed columns of its row, in one statement. A new row also
 * gets `tenant_id` and `first_seen_at`; an existing row only the changed columns and `updated_at`.
 */
export async function upsertAgent(
  db: SqlExecutor,
  instanceUid: string,
  tenantId: string,
  changes: AgentChanges,
  at: Date,
): Promise<void> {
  const columns = Object.keys(changes) as AgentColumn[];
  const insertColumns = ['instance_uid', 'tenant_id', 'first_seen_at', 'updated_at', ...columns.filter((c) => c !== 'tenant_id')];
  const values: unknown[] = [instanceUid, changes.tenant_id ?? tenantId, at, at, ...columns.filter((c) => c !== 'tenant_id').map((c) => changes[c])];
  const placeholders = insertColumns.map((_, i) => `$${i + 1}`);
  const updates = ['updated_at', ...columns].map((c) => `${c} = EXCLUDED.${c}`);
  await db.query(
    `INSERT INTO agents (${insertColumns.join(', ')}) VALUES (${placeholders.join(', ')})
     ON CONFLICT (instance_uid) DO UPDATE SET ${updates.join(', ')}`,
    values,
  );
}

/** The stored name of a bus Transport; `null` when unspecified. */
export function transportName(transport: number | null | undefined): string | null {
  if (transport === Transport.TRANSPORT_WEBSOCKET) return 'websocket';
  if (transport === Transport.TRANSPORT_HTTP) return 'http';
  return null;
}

/**
 * Digests of a stored health summary: the state (healthy, status, errors, components) and the
 * metrics apart, so changing metrics alone need not rewrite the row on every report.
 */
export function healthDigests(health: unknown): { healthDigest: string; metricsDigest: string } {
  if (health === null || typeof health !== 'object') return { healthDigest: stableDigest(health ?? null), metricsDigest: stableDigest({}) };
  const { metrics, ...state } = health as { metrics?: unknown };
  return { healthDigest: stableDigest(state), metricsDigest: stableDigest(metrics ?? {}) };
}
