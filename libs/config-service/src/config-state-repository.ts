import type { SqlExecutor } from '@shepherd/store';
import type { RemoteConfigStatusName, RemoteConfigStatusRecord } from './agent-reports.js';
import { targetHashSql } from './assignment-repository.js';
import { type LabelSelector, selectorJson } from './selector.js';

/** Everything the reconciler needs to decide about one agent, read in one statement. */
export interface ReconcileView {
  readonly instanceUid: string;
  readonly tenantId: string;
  readonly capabilities: bigint;
  readonly connected: boolean;
  readonly described: boolean;
  readonly gatewayId: string | null;
  /** The live target (resolved from the active assignments now); `null` when none matches. */
  readonly targetHash: string | null;
  /** The agent's latest status for the target hash; `null` when it never reported on it. */
  readonly targetStatus: RemoteConfigStatusName | null;
  readonly reportedHash: string | null;
  /** The agent's latest RemoteConfigStatus as stored; `null` when it never reported one. */
  readonly reportedStatus: RemoteConfigStatusName | null;
  /** The error message of that report; `null` when none. */
  readonly reportedError: string | null;
  readonly offeredHash: string | null;
  readonly offeredAt: Date | null;
  readonly fullStateRequestedAt: Date | null;
}

/** One offer to record. */
export interface OfferRecord {
  readonly instanceUid: string;
  readonly hash: string;
}

interface ViewRow extends Record<string, unknown> {
  instance_uid: string;
  tenant_id: string;
  capabilities: bigint;
  connected: boolean;
  described: boolean;
  gateway_id: string | null;
  target_hash: string | null;
  target_status: RemoteConfigStatusName | null;
  reported_hash: string | null;
  reported_status: RemoteConfigStatusName | null;
  reported_error: string | null;
  offered_hash: string | null;
  offered_at: Date | null;
  full_state_requested_at: Date | null;
}

/** The view columns over `agents a`, with the target hash given by the SQL expression `target`. */
function viewSelect(target: string): string {
  return `
  SELECT a.instance_uid, a.tenant_id, a.capabilities, a.connected, a.described, a.gateway_id,
         t.hash AS target_hash, f.status AS target_status,
         s.reported_hash, s.status AS reported_status, s.error_message AS reported_error,
         s.offered_hash, s.offered_at, s.full_state_requested_at
    FROM agents a
    LEFT JOIN agent_config_state s ON s.instance_uid = a.instance_uid
    LEFT JOIN LATERAL (SELECT ${target} AS hash) t ON true
    LEFT JOIN agent_config_status f ON f.instance_uid = a.instance_uid AND f.config_hash = t.hash`;
}

/** Views with each agent's target resolved from the active assignments (three index lookups per agent). */
const VIEW_SELECT = viewSelect(targetHashSql('a.tenant_id', 'a.labels', 'a.instance_uid'));

/** The agents a config change may affect: those a selector matches, or one pinned agent. */
export type FanoutTarget = { readonly selector: LabelSelector } | { readonly instanceUid: string };

/**
 * Up to `limit` instance uids of online agents of `tenantId` that `target` covers, greater than
 * `afterUid` (keyset pagination), in uid order: the cheap first step of a fan-out, which then
 * loads the views of these agents in chunks ({@link loadViews}). The `matchLabels` containment is
 * written out so the GIN index on `agents.labels` can serve it.
 */
export async function listOnlineUids(
  db: SqlExecutor,
  tenantId: string,
  target: FanoutTarget,
  afterUid: string | null,
  limit: number,
): Promise<string[]> {
  if ('instanceUid' in target) {
    const { rows } = await db.query<{ instance_uid: string }>(
      `SELECT instance_uid FROM agents
        WHERE tenant_id = $1 AND connected AND instance_uid = $2::uuid AND ($3::uuid IS NULL OR instance_uid > $3::uuid)
        LIMIT $4`,
      [tenantId, target.instanceUid, afterUid, limit],
    );
    return rows.map((row) => row.instance_uid);
  }
  // Without expressions the selector is its matchLabels containment: calling selector_matches on
  // every row as well cost a 100 000-agent fan-out about 80 ms per page of 5 000 instead of 5 ms.
  const expressions = target.selector.matchExpressions.length > 0;
  const { rows } = await db.query<{ instance_uid: string }>(
    `SELECT instance_uid FROM agents
      WHERE tenant_id = $1 AND connected AND labels @> $2::jsonb ${expressions ? 'AND selector_matches(labels, $5::jsonb)' : ''}
        AND ($3::uuid IS NULL OR instance_uid > $3::uuid)
      ORDER BY instance_uid LIMIT $4`,
    [tenantId, target.selector.matchLabels, afterUid, limit, ...(expressions ? [selectorJson(target.selector)] : [])],
  );
  return rows.map((row) => row.instance_uid);
}

/**
 * The reconcile views of `instanceUids` (those with an inventory row), in uid order. Each
 * agent's target is resolved from the active assignments, unless `targetHash` is given: the
 * caller knows the target of every one of them (see `uncontestedAssignmentHash`), which spares
 * the per-agent resolution, most of the read's cost.
 */
export async function loadViews(db: SqlExecutor, instanceUids: readonly string[], targetHash?: string): Promise<ReconcileView[]> {
  if (instanceUids.length === 0) return [];
  const [select, params] = targetHash === undefined ? [VIEW_SELECT, [instanceUids]] : [viewSelect('$2::text'), [instanceUids, targetHash]];
  const { rows } = await db.query<ViewRow>(`${select} WHERE a.instance_uid = ANY($1::uuid[]) ORDER BY a.instance_uid`, params);
  return rows.map(toView);
}

/** One status report for {@link recordRemoteConfigStatuses}. */
export interface StatusWrite {
  readonly instanceUid: string;
  readonly status: RemoteConfigStatusRecord;
  readonly at: Date;
}

/** {@link recordRemoteConfigStatuses} for one report. */
export async function recordRemoteConfigStatus(db: SqlExecutor, instanceUid: string, status: RemoteConfigStatusRecord, at: Date): Promise<void> {
  await recordRemoteConfigStatuses(db, [{ instanceUid, status, at }]);
}

/**
 * Records RemoteConfigStatus reports in one statement: each agent's current state and, when the
 * report names a hash, the latest status for that hash. An APPLIED report of a hash also records
 * it as the agent's last applied (last good) config; other reports keep the last one. Rows that
 * would not change are not rewritten. An agent must appear at most once.
 */
export async function recordRemoteConfigStatuses(db: SqlExecutor, writes: readonly StatusWrite[]): Promise<void> {
  if (writes.length === 0) return;
  await db.query(
    `WITH state AS (
       INSERT INTO agent_config_state AS s (instance_uid, reported_hash, status, error_message, updated_at, last_applied_hash, last_applied_at)
       SELECT r.uid, r.hash, r.status, r.error, r.at, applied.hash, CASE WHEN applied.hash IS NULL THEN NULL ELSE r.at END
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS r(uid, hash, status, error, at)
         CROSS JOIN LATERAL (SELECT CASE WHEN r.status = 'APPLIED' THEN r.hash END AS hash) applied
       ON CONFLICT (instance_uid) DO UPDATE
         SET reported_hash = EXCLUDED.reported_hash, status = EXCLUDED.status,
             error_message = EXCLUDED.error_message, updated_at = EXCLUDED.updated_at,
             last_applied_hash = COALESCE(EXCLUDED.last_applied_hash, s.last_applied_hash),
             last_applied_at = CASE WHEN EXCLUDED.last_applied_hash IS NULL THEN s.last_applied_at ELSE EXCLUDED.last_applied_at END
           WHERE (s.reported_hash, s.status, s.error_message) IS DISTINCT FROM (EXCLUDED.reported_hash, EXCLUDED.status, EXCLUDED.error_message))
     INSERT INTO agent_config_status AS h (instance_uid, config_hash, status, error_message, updated_at)
     SELECT r.uid, r.hash, r.status, r.error, r.at
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS r(uid, hash, status, error, at)
      WHERE r.hash IS NOT NULL
     ON CONFLICT (instance_uid, config_hash) DO UPDATE
       SET status = EXCLUDED.status, error_message = EXCLUDED.error_message, updated_at = EXCLUDED.updated_at
       WHERE (h.status, h.error_message) IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.error_message)`,
    [
      writes.map((w) => w.instanceUid),
      writes.map((w) => w.status.lastRemoteConfigHash),
      writes.map((w) => w.status.status),
      writes.map((w) => (w.status.errorMessage === '' ? null : w.status.errorMessage)),
      writes.map((w) => w.at),
    ],
  );
}

/** Records that each agent was offered its hash at `at` (one statement for the whole batch). */
export async function recordOffers(db: SqlExecutor, offers: readonly OfferRecord[], at: Date): Promise<void> {
  if (offers.length === 0) return;
  await db.query(
    `INSERT INTO agent_config_state AS s (instance_uid, target_hash, offered_hash, offered_at, updated_at)
     SELECT o.uid, o.hash, o.hash, $3, $3 FROM unnest($1::uuid[], $2::text[]) AS o(uid, hash)
     ON CONFLICT (instance_uid) DO UPDATE
       SET target_hash = EXCLUDED.target_hash, offered_hash = EXCLUDED.offered_hash,
           offered_at = EXCLUDED.offered_at, updated_at = EXCLUDED.updated_at`,
    [offers.map((o) => o.instanceUid), offers.map((o) => o.hash), at],
  );
}

/** An agent that (re)connected at `connectedAt`, for {@link loadViewsOnConnect}. */
export interface ConnectRead {
  readonly instanceUid: string;
  readonly connectedAt: Date;
}

/**
 * After each agent (re)connected at its `connectedAt`: forgets an offer made before then (it
 * may never have reached the agent) and returns the agent's view without that offer, all in one
 * statement; agents without an inventory row are absent. An agent must appear at most once.
 */
export async function loadViewsOnConnect(db: SqlExecutor, reads: readonly ConnectRead[]): Promise<Map<string, ReconcileView>> {
  if (reads.length === 0) return new Map();
  // The SELECT sees the snapshot before the CTE's UPDATE, so a cleared offer is taken off here.
  const { rows } = await db.query<ViewRow & { offer_cleared: boolean }>(
    `WITH cleared AS (
       UPDATE agent_config_state s SET offered_hash = NULL, offered_at = NULL, updated_at = c.at
         FROM unnest($1::uuid[], $2::timestamptz[]) AS c(uid, at)
        WHERE s.instance_uid = c.uid AND s.offered_at IS NOT NULL AND s.offered_at < c.at
        RETURNING s.instance_uid)
     SELECT v.*, v.instance_uid IN (SELECT instance_uid FROM cleared) AS offer_cleared
       FROM (${VIEW_SELECT} WHERE a.instance_uid = ANY($1::uuid[])) v`,
    [reads.map((r) => r.instanceUid), reads.map((r) => r.connectedAt)],
  );
  return new Map(rows.map((row) => [row.instance_uid, toView(row.offer_cleared ? { ...row, offered_hash: null, offered_at: null } : row)]));
}

/** Records that a ReportFullState flag was sent to the agent at `at`. */
export async function markFullStateRequested(db: SqlExecutor, instanceUid: string, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO agent_config_state (instance_uid, full_state_requested_at, updated_at) VALUES ($1, $2, $2)
     ON CONFLICT (instance_uid) DO UPDATE SET full_state_requested_at = EXCLUDED.full_state_requested_at, updated_at = EXCLUDED.updated_at`,
    [instanceUid, at],
  );
}

function toView(row: ViewRow): ReconcileView {
  return Object.freeze({
    instanceUid: row.instance_uid,
    tenantId: row.tenant_id,
    capabilities: BigInt.asUintN(64, row.capabilities),
    connected: row.connected,
    described: row.described,
    gatewayId: row.gateway_id,
    targetHash: row.target_hash,
    targetStatus: row.target_status,
    reportedHash: row.reported_hash,
    reportedStatus: row.reported_status,
    reportedError: row.reported_error,
    offeredHash: row.offered_hash,
    offeredAt: row.offered_at,
    fullStateRequestedAt: row.full_state_requested_at,
  });
}
