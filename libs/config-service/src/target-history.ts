import type { SqlExecutor } from '@shepherd/store';
import type { RemoteConfigStatusName } from './agent-reports.js';
import { AgentNotFoundError } from './errors.js';
import { lastGoodHashSql } from './last-good-hash.js';
import { decodeCursor, encodeCursor } from './query-cursor.js';

/** One assignment in a history, as the read API shows it. */
export interface AssignmentHistoryEntry {
  readonly assignmentId: string;
  /** `assign`, `rollback`, `emergency`, `agent-pin` or `gitops`. */
  readonly kind: string;
  readonly configHash: string;
  /** The label of the assigned version. */
  readonly label: string | null;
  /** As stored: `{matchLabels, matchExpressions?}`. */
  readonly selector: Readonly<Record<string, unknown>>;
  readonly priority: number;
  readonly urgent: boolean;
  /** The pinned agent of an `agent-pin`; `null` otherwise. */
  readonly instanceUid: string | null;
  readonly active: boolean;
  readonly name: string | null;
  readonly description: string | null;
  readonly author: string;
  /** ISO-8601. */
  readonly createdAt: string;
  readonly deactivatedAt: string | null;
  readonly deactivatedBy: string | null;
}

/** The assignments of one target (a selector or `agent:<uid>`), newest first. */
export interface TargetHistoryPage {
  readonly targetKey: string;
  readonly assignments: readonly AssignmentHistoryEntry[];
  readonly next?: string;
}

/** The latest status an agent reported for one config hash. */
export interface ReportedConfig {
  readonly configHash: string;
  readonly status: RemoteConfigStatusName;
  readonly errorMessage: string | null;
  /** ISO-8601. */
  readonly updatedAt: string;
}

/** What an agent was assigned and what it reported, newest first. */
export interface AgentHistoryPage {
  readonly instanceUid: string;
  /** The last config it reported APPLIED (its last good config); `null` when none. */
  readonly lastAppliedHash: string | null;
  /** Its pins, and the selector assignments its current labels match. */
  readonly assignments: readonly AssignmentHistoryEntry[];
  /** Newest {@link MAX_REPORTED_CONFIGS} hashes it reported (the latest status of each); on every page. */
  readonly reports: readonly ReportedConfig[];
  readonly next?: string;
}

/** Most reported hashes an agent history lists. */
export const MAX_REPORTED_CONFIGS = 100;

interface AssignmentRow extends Record<string, unknown> {
  id: string;
  seq: bigint;
  kind: string;
  config_hash: string;
  label: string | null;
  selector: Record<string, unknown>;
  priority: number;
  urgent: boolean;
  instance_uid: string | null;
  active: boolean;
  name: string | null;
  description: string | null;
  author: string;
  created_at: Date;
  deactivated_at: Date | null;
  deactivated_by: string | null;
}

const SEQ_KEY = /^\d{1,19}$/;
const ASSIGNMENT_SELECT = `
  SELECT c.id, c.seq, c.kind, c.config_hash, v.label, c.selector, c.priority, c.urgent, c.instance_uid, c.active,
         c.name, c.description, c.author, c.created_at, c.deactivated_at, c.deactivated_by
    FROM config_assignments c
    LEFT JOIN config_versions v ON v.tenant_id = c.tenant_id AND v.hash = c.config_hash`;

/**
 * The assignments of the tenant whose `target_key` is `targetKey`, newest first (by insertion).
 * @throws InvalidConfigQueryError for a cursor that is not a `next` of a history
 */
export async function targetHistory(db: SqlExecutor, tenantId: string, targetKey: string, limit: number, after: string | undefined): Promise<TargetHistoryPage> {
  const [afterSeq] = after === undefined ? [null] : decodeCursor(after, [SEQ_KEY]);
  const { rows } = await db.query<AssignmentRow>(
    `${ASSIGNMENT_SELECT}
      WHERE c.tenant_id = $1 AND c.target_key = $2 AND ($3::bigint IS NULL OR c.seq < $3::bigint)
      ORDER BY c.seq DESC LIMIT $4`,
    [tenantId, targetKey, afterSeq, limit + 1],
  );
  return { targetKey, ...assignmentPage(rows, limit) };
}

/**
 * The history of one agent of the tenant: its pins and the selector assignments (active or not)
 * its current labels match, newest first, plus the hashes it reported.
 * @throws AgentNotFoundError when the tenant has no such agent; InvalidConfigQueryError for a bad cursor
 */
export async function agentHistory(db: SqlExecutor, tenantId: string, instanceUid: string, limit: number, after: string | undefined): Promise<AgentHistoryPage> {
  const [afterSeq] = after === undefined ? [null] : decodeCursor(after, [SEQ_KEY]);
  const agent = await db.query<{ last_applied_hash: string | null }>(
    `SELECT ${lastGoodHashSql('a.instance_uid', 's')} AS last_applied_hash FROM agents a LEFT JOIN agent_config_state s ON s.instance_uid = a.instance_uid
      WHERE a.tenant_id = $1 AND a.instance_uid = $2`,
    [tenantId, instanceUid],
  );
  const found = agent.rows[0];
  if (found === undefined) throw new AgentNotFoundError(instanceUid);
  const { rows } = await db.query<AssignmentRow>(
    `${ASSIGNMENT_SELECT}
      JOIN agents a ON a.instance_uid = $2
     WHERE c.tenant_id = $1 AND ($3::bigint IS NULL OR c.seq < $3::bigint)
       AND (c.instance_uid = a.instance_uid
            OR (c.instance_uid IS NULL AND a.labels @> (c.selector -> 'matchLabels') AND selector_matches(a.labels, c.selector)))
     ORDER BY c.seq DESC LIMIT $4`,
    [tenantId, instanceUid, afterSeq, limit + 1],
  );
  const reports = await db.query<{ config_hash: string; status: RemoteConfigStatusName; error_message: string | null; updated_at: Date }>(
    `SELECT config_hash, status, error_message, updated_at FROM agent_config_status
      WHERE instance_uid = $1 ORDER BY updated_at DESC, config_hash LIMIT $2`,
    [instanceUid, MAX_REPORTED_CONFIGS],
  );
  return {
    instanceUid,
    lastAppliedHash: found.last_applied_hash,
    reports: reports.rows.map((r) =>
      Object.freeze({ configHash: r.config_hash, status: r.status, errorMessage: r.error_message, updatedAt: r.updated_at.toISOString() }),
    ),
    ...assignmentPage(rows, limit),
  };
}

function assignmentPage(rows: readonly AssignmentRow[], limit: number): { assignments: AssignmentHistoryEntry[]; next?: string } {
  const page = rows.slice(0, limit);
  const assignments = page.map(toEntry);
  const last = page.at(-1);
  return rows.length > limit && last !== undefined ? { assignments, next: encodeCursor([String(last.seq)]) } : { assignments };
}

function toEntry(row: AssignmentRow): AssignmentHistoryEntry {
  return Object.freeze({
    assignmentId: row.id,
    kind: row.kind,
    configHash: row.config_hash,
    label: row.label,
    selector: row.selector,
    priority: row.priority,
    urgent: row.urgent,
    instanceUid: row.instance_uid,
    active: row.active,
    name: row.name,
    description: row.description,
    author: row.author,
    createdAt: row.created_at.toISOString(),
    deactivatedAt: row.deactivated_at?.toISOString() ?? null,
    deactivatedBy: row.deactivated_by,
  });
}
