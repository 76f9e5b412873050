import type { SqlExecutor } from '@shepherd/store';
import { targetHashSql } from './assignment-repository.js';
import { lastGoodHashSql } from './last-good-hash.js';
import { ConfigVersionNotFoundError } from './query-errors.js';

/** An agent that failed to apply the version. */
export interface FailedAgentSample {
  readonly instanceUid: string;
  readonly connected: boolean;
  /** The config it last reported APPLIED: what it keeps running; `null` when none. */
  readonly lastAppliedHash: string | null;
  /** ISO-8601 time of its FAILED report. */
  readonly failedAt: string;
}

/** Agents that reported FAILED with the same error message. */
export interface FailureGroup {
  /** The agent's error message (`""` when it sent none). */
  readonly message: string;
  readonly count: number;
  /** The most recent failures, at most {@link MAX_FAILURE_SAMPLES}. */
  readonly samples: readonly FailedAgentSample[];
}

/**
 * How the agents whose live target is one version are doing. Every such agent is counted once:
 * `failed` (it reported FAILED for the version: never re-offered), else `applied` (it reports
 * the version APPLIED), else `offline` (not connected), else `pending`.
 */
export interface FleetSummary {
  readonly hash: string;
  readonly total: number;
  readonly applied: number;
  readonly failed: number;
  readonly pending: number;
  readonly offline: number;
  /** By count, then message; at most {@link MAX_FAILURE_GROUPS}. */
  readonly failures: readonly FailureGroup[];
  /** Distinct messages left out of `failures`. */
  readonly failureGroupsOmitted: number;
}

/** Most distinct failure messages a summary lists. */
export const MAX_FAILURE_GROUPS = 50;
/** Most sample agents per failure message. */
export const MAX_FAILURE_SAMPLES = 5;

interface SummaryRow extends Record<string, unknown> {
  known: boolean;
  counts: Record<string, number> | null;
  groups: Array<{ message: string; count: number; samples: Array<{ uid: string; connected: boolean; last: string | null; at: number }> }> | null;
  group_count: number;
}

// One statement, so the counts and the samples describe the same moment.
const SUMMARY_SQL = `
  WITH fleet AS (
    SELECT a.instance_uid, a.connected, f.error_message, f.updated_at AS failed_at,
           ${lastGoodHashSql('a.instance_uid', 's')} AS last_good,
           CASE WHEN f.status = 'FAILED' THEN 'failed'
                WHEN s.reported_hash = $2 AND s.status = 'APPLIED' THEN 'applied'
                WHEN NOT a.connected THEN 'offline'
                ELSE 'pending' END AS outcome
      FROM agents a
      LEFT JOIN agent_config_state s ON s.instance_uid = a.instance_uid
      LEFT JOIN agent_config_status f ON f.instance_uid = a.instance_uid AND f.config_hash = $2
     WHERE a.tenant_id = $1 AND ${targetHashSql('a.tenant_id', 'a.labels', 'a.instance_uid')} = $2
  ), failed AS (
    SELECT *, COALESCE(error_message, '') AS message,
           row_number() OVER (PARTITION BY COALESCE(error_message, '') ORDER BY failed_at DESC, instance_uid) AS rank
      FROM fleet WHERE outcome = 'failed'
  ), groups AS (
    SELECT message, count(*)::int AS n FROM failed GROUP BY message
  )
  SELECT EXISTS (SELECT 1 FROM config_versions WHERE tenant_id = $1 AND hash = $2) AS known,
         (SELECT jsonb_object_agg(outcome, n) FROM (SELECT outcome, count(*)::int AS n FROM fleet GROUP BY outcome) c) AS counts,
         (SELECT count(*)::int FROM groups) AS group_count,
         (SELECT jsonb_agg(jsonb_build_object('message', g.message, 'count', g.n, 'samples',
                   (SELECT jsonb_agg(jsonb_build_object('uid', x.instance_uid, 'connected', x.connected, 'last', x.last_good,
                                                        'at', (extract(epoch FROM x.failed_at) * 1000)::bigint) ORDER BY x.rank)
                      FROM failed x WHERE x.message = g.message AND x.rank <= $3)) ORDER BY g.n DESC, g.message)
            FROM (SELECT * FROM groups ORDER BY n DESC, message LIMIT $4) g) AS groups`;

/**
 * The fleet summary of version `hash` of the tenant: counts by outcome over the agents whose
 * live target is the version, and the failures grouped by error message with a few sample
 * agents and the last good config each keeps running.
 * @throws ConfigVersionNotFoundError when the tenant has no such version
 */
export async function fleetSummary(db: SqlExecutor, tenantId: string, hash: string): Promise<FleetSummary> {
  const { rows } = await db.query<SummaryRow>(SUMMARY_SQL, [tenantId, hash, MAX_FAILURE_SAMPLES, MAX_FAILURE_GROUPS]);
  const row = rows[0];
  if (row === undefined || !row.known) throw new ConfigVersionNotFoundError(hash);
  const count = (outcome: string): number => row.counts?.[outcome] ?? 0;
  const failures = (row.groups ?? []).map((group) =>
    Object.freeze({
      message: group.message,
      count: group.count,
      samples: group.samples.map((s) =>
        Object.freeze({ instanceUid: s.uid, connected: s.connected, lastAppliedHash: s.last, failedAt: new Date(Number(s.at)).toISOString() }),
      ),
    }),
  );
  const [applied, failed, pending, offline] = [count('applied'), count('failed'), count('pending'), count('offline')];
  return Object.freeze({
    hash,
    total: applied + failed + pending + offline,
    applied,
    failed,
    pending,
    offline,
    failures,
    failureGroupsOmitted: row.group_count - failures.length,
  });
}
