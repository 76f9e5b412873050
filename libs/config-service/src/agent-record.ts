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
  /** Changes whenever the stored description does, hence whenever the labels may. */
  readonly descriptionDigest: string;
}

/**
 * The last state written to `agents` for one agent, as kept in the inventory cache: scalars as
 * they are, JSON columns as digests only, so an entry stays small.
 */
export interface AgentRecord extends Omit<AgentSnapshot, 'descriptionDigest'> {
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

/** SQL type of each column the inventory writes, for reading a batch out of JSON. */
const COLUMN_TYPES: Readonly<Record<AgentColumn, string>> = {
  tenant_id: 'text',
  identifying: 'jsonb',
  non_identifying: 'jsonb',
  described: 'boolean',
  capabilities: 'bigint',
  sequence_num: 'bigint',
  connected: 'boolean',
  gateway_id: 'text',
  transport: 'text',
  last_seen_at: 'timestamptz',
  health: 'jsonb',
  effective_config: 'jsonb',
  remote_config_status: 'jsonb',
};

/** Reads the stored state of `instanceUids` (canonical text) in one statement; agents without a row are absent. */
export async function loadAgentRecords(db: SqlExecutor, instanceUids: readonly string[]): Promise<Map<string, AgentRecord>> {
  const { rows } = await db.query<AgentRow & { instance_uid: string }>(
    `SELECT instance_uid, tenant_id, identifying, non_identifying, described, capabilities, connected, gateway_id, transport,
            last_seen_at, health, effective_config, remote_config_status
       FROM agents WHERE instance_uid = ANY($1::uuid[])`,
    [instanceUids],
  );
  return new Map(rows.map((row) => [row.instance_uid, recordOf(row.instance_uid, row)]));
}

function recordOf(instanceUid: string, row: AgentRow): AgentRecord {
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

/** One agent's row change for {@link upsertAgents}. */
export interface AgentWrite {
  readonly instanceUid: string;
  /** The tenant of a new row (`changes.tenant_id` wins when set). */
  readonly tenantId: string;
  readonly changes: AgentChanges;
  readonly at: Date;
}

/**
 * Inserts the agent or updates the changed columns of its row, in one statement. A new row also
 * gets `tenant_id` and `first_seen_at`; an existing row only the changed columns and `updated_at`.
 */
export async function upsertAgent(db: SqlExecutor, instanceUid: string, tenantId: string, changes: AgentChanges, at: Date): Promise<void> {
  await upsertAgents(db, [{ instanceUid, tenantId, changes, at }]);
}

/**
 * {@link upsertAgent} for many agents: one statement per distinct set of changed columns. An
 * agent must appear at most once (a statement may not update one row twice).
 */
export async function upsertAgents(db: SqlExecutor, writes: readonly AgentWrite[]): Promise<void> {
  const byColumns = new Map<string, AgentWrite[]>();
  for (const write of writes) {
    const key = columnsOf(write).join(',');
    const group = byColumns.get(key);
    if (group === undefined) byColumns.set(key, [write]);
    else group.push(write);
  }
  for (const group of byColumns.values()) await upsertSameColumns(db, columnsOf(group[0] as AgentWrite), group);
}

function columnsOf(write: AgentWrite): AgentColumn[] {
  return (Object.keys(write.changes) as AgentColumn[]).sort();
}

async function upsertSameColumns(db: SqlExecutor, columns: readonly AgentColumn[], writes: readonly AgentWrite[]): Promise<void> {
  const values = columns.filter((c) => c !== 'tenant_id');
  const rows = writes.map((w) => ({ instance_uid: w.instanceUid, tenant_id: w.changes.tenant_id ?? w.tenantId, at: w.at, ...pick(w.changes, values) }));
  const recordType = ['instance_uid uuid', 'tenant_id text', 'at timestamptz', ...values.map((c) => `${c} ${COLUMN_TYPES[c]}`)];
  // The column names come from the closed AgentColumn set, so splicing them is safe.
  await db.query(
    `INSERT INTO agents (instance_uid, tenant_id, first_seen_at, updated_at${values.map((c) => `, ${c}`).join('')})
     SELECT r.instance_uid, r.tenant_id, r.at, r.at${values.map((c) => `, r.${c}`).join('')}
       FROM jsonb_to_recordset($1::jsonb) AS r(${recordType.join(', ')})
     ON CONFLICT (instance_uid) DO UPDATE SET ${['updated_at', ...columns].map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`,
    [JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))],
  );
}

function pick(changes: AgentChanges, columns: readonly AgentColumn[]): Record<string, unknown> {
  return Object.fromEntries(columns.map((c) => [c, changes[c] ?? null]));
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
