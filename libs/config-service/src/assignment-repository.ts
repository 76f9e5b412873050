import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '@shepherd/store';
import { type LabelSelector, agentTargetKey, parseSelector, selectorJson, selectorKey } from './selector.js';

/**
 * What an assignment is: a normal selector assignment (`assign`, or `gitops` when it came from
 * a Git repository), a `rollback` of a selector, an `emergency` config (wins over everything
 * until cleared), or an `agent-pin` (one agent held on a config, e.g. its last good one).
 */
export type AssignmentKind = 'assign' | 'rollback' | 'emergency' | 'agent-pin' | 'gitops';

/** Which config the agents matching a selector (or one pinned agent) should run. */
export interface Assignment {
  readonly id: string;
  readonly tenantId: string;
  readonly selector: LabelSelector;
  readonly priority: number;
  readonly configHash: string;
  readonly name: string | null;
  readonly author: string;
  readonly createdAt: Date;
  readonly active: boolean;
  readonly kind: AssignmentKind;
  /** True for emergency configs. */
  readonly urgent: boolean;
  /** The pinned agent (kind `agent-pin` only). */
  readonly instanceUid: string | null;
  /** Canonical text of the target ({@link selectorKey} or `agent:<uid>`). */
  readonly targetKey: string;
  readonly description: string | null;
}

/** What {@link insertAssignment} stores. */
export interface NewAssignment {
  readonly tenantId: string;
  readonly selector: LabelSelector;
  readonly priority: number;
  readonly configHash: string;
  readonly name: string | null;
  readonly author: string;
  readonly at: Date;
  /** Default `assign`. */
  readonly kind?: AssignmentKind;
  /** Required for (and only for) kind `agent-pin`. */
  readonly instanceUid?: string | null;
  readonly description?: string | null;
}

/** An assignment a change deactivated. */
export interface DeactivatedAssignment {
  readonly id: string;
  readonly configHash: string;
  readonly kind: AssignmentKind;
}

// Each branch walks `config_assignments_resolve_idx` (or the pin index) and stops at the first
// match: together they are the order urgent, agent pin, priority, newest, latest inserted.
const BRANCH_ORDER = 'ORDER BY c.priority DESC, c.created_at DESC, c.seq DESC LIMIT 1';

/**
 * SQL of a scalar expression giving the target config hash of an agent: among the active
 * assignments of its tenant that apply to it (`selector_matches` its labels; agent pins only
 * for their own agent), an emergency config first, then a pin, then the highest priority, then
 * the newest (then the latest inserted, so ties resolve the same way everywhere). `tenant`,
 * `labels` and `uid` are SQL expressions (columns or parameters); NULL when nothing applies.
 */
export function targetHashSql(tenant: string, labels: string, uid: string): string {
  const base = `SELECT c.config_hash FROM config_assignments c WHERE c.tenant_id = ${tenant} AND c.active`;
  return `COALESCE(
      (${base} AND c.urgent AND selector_matches(${labels}, c.selector) ${BRANCH_ORDER}),
      (${base} AND c.instance_uid = ${uid} AND selector_matches(${labels}, c.selector) ${BRANCH_ORDER}),
      (${base} AND NOT c.urgent AND c.instance_uid IS NULL AND selector_matches(${labels}, c.selector) ${BRANCH_ORDER}))`;
}

/** The resolution order as one ORDER BY over `config_assignments c` (same order as {@link targetHashSql}). */
export const RESOLUTION_ORDER_SQL = 'c.urgent DESC, (c.instance_uid IS NOT NULL) DESC, c.priority DESC, c.created_at DESC, c.seq DESC';

/** The columns {@link toAssignment} reads, over `config_assignments c`. */
export const ASSIGNMENT_COLUMNS =
  'c.id, c.tenant_id, c.selector, c.priority, c.config_hash, c.name, c.author, c.created_at, c.active, c.kind, c.urgent, c.instance_uid, c.target_key, c.description';

/** A row with {@link ASSIGNMENT_COLUMNS}. */
export interface AssignmentRow extends Record<string, unknown> {
  id: string;
  tenant_id: string;
  selector: unknown;
  priority: number;
  config_hash: string;
  name: string | null;
  author: string;
  created_at: Date;
  active: boolean;
  kind: AssignmentKind;
  urgent: boolean;
  instance_uid: string | null;
  target_key: string;
  description: string | null;
}

/** Maps a row of {@link ASSIGNMENT_COLUMNS}. */
export function toAssignment(row: AssignmentRow): Assignment {
  return Object.freeze({
    id: row.id,
    tenantId: row.tenant_id,
    selector: parseSelector(row.selector),
    priority: row.priority,
    configHash: row.config_hash,
    name: row.name,
    author: row.author,
    createdAt: row.created_at,
    active: row.active,
    kind: row.kind,
    urgent: row.urgent,
    instanceUid: row.instance_uid,
    targetKey: row.target_key,
    description: row.description,
  });
}

/** Inserts an active assignment with a fresh id; the version must exist (foreign key). */
export async function insertAssignment(db: SqlExecutor, assignment: NewAssignment): Promise<Assignment> {
  const id = randomUUID();
  const kind = assignment.kind ?? 'assign';
  const instanceUid = assignment.instanceUid ?? null;
  const targetKey = instanceUid === null ? selectorKey(assignment.selector) : agentTargetKey(instanceUid);
  const description = assignment.description ?? null;
  await db.query(
    `INSERT INTO config_assignments (id, tenant_id, selector, priority, config_hash, name, author, created_at, active,
                                     kind, urgent, instance_uid, target_key, description)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, true, $9, $10, $11::uuid, $12, $13)`,
    [
      id,
      assignment.tenantId,
      selectorJson(assignment.selector),
      assignment.priority,
      assignment.configHash,
      assignment.name,
      assignment.author,
      assignment.at,
      kind,
      kind === 'emergency',
      instanceUid,
      targetKey,
      description,
    ],
  );
  return Object.freeze({
    id,
    tenantId: assignment.tenantId,
    selector: assignment.selector,
    priority: assignment.priority,
    configHash: assignment.configHash,
    name: assignment.name,
    author: assignment.author,
    createdAt: assignment.at,
    active: true,
    kind,
    urgent: kind === 'emergency',
    instanceUid,
    targetKey,
    description,
  });
}

/**
 * Serializes changes to one target of a tenant until the transaction ends, so two concurrent
 * changes cannot both leave an active assignment behind.
 */
export async function lockTarget(db: SqlExecutor, tenantId: string, targetKey: string): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock(hashtext($1::text), hashtext($2::text))', [tenantId, targetKey]);
}

/** Which active assignments of a target {@link deactivateTarget} ends. */
export interface TargetFilter {
  readonly tenantId: string;
  readonly targetKey: string;
  /** Emergency configs (true) or the others (false). */
  readonly urgent: boolean;
  /** Only this assignment (emergency clear). */
  readonly assignmentId?: string;
}

/** Deactivates the matching active assignments, newest first in the result. */
export async function deactivateAssignments(db: SqlExecutor, filter: TargetFilter, at: Date, by: string): Promise<DeactivatedAssignment[]> {
  const { rows } = await db.query<{ id: string; config_hash: string; kind: AssignmentKind; seq: string }>(
    `UPDATE config_assignments SET active = false, deactivated_at = $4, deactivated_by = $5
      WHERE tenant_id = $1 AND target_key = $2 AND active AND urgent = $3 AND ($6::uuid IS NULL OR id = $6::uuid)
      RETURNING id, config_hash, kind, seq`,
    [filter.tenantId, filter.targetKey, filter.urgent, at, by, filter.assignmentId ?? null],
  );
  return rows
    .sort((a, b) => Number(BigInt(b.seq) - BigInt(a.seq)))
    .map((row) => Object.freeze({ id: row.id, configHash: row.config_hash, kind: row.kind }));
}

/** The newest active assignment of a target (`urgent` picks emergency configs or the others). */
export async function loadActiveAssignment(db: SqlExecutor, tenantId: string, targetKey: string, urgent: boolean): Promise<(Assignment & { seq: bigint }) | undefined> {
  const { rows } = await db.query<AssignmentRow & { seq: bigint }>(
    `SELECT ${ASSIGNMENT_COLUMNS}, c.seq FROM config_assignments c
      WHERE c.tenant_id = $1 AND c.target_key = $2 AND c.active AND c.urgent = $3
      ORDER BY c.seq DESC LIMIT 1`,
    [tenantId, targetKey, urgent],
  );
  const row = rows[0];
  return row === undefined ? undefined : Object.freeze({ ...toAssignment(row), seq: BigInt(row.seq) });
}

/**
 * The target config hash for an agent of `tenantId` with these labels (and, for agent pins,
 * this instance uid); `undefined` when no assignment applies.
 */
export async function resolveTarget(
  db: SqlExecutor,
  tenantId: string,
  labels: Readonly<Record<string, string>>,
  instanceUid: string | null = null,
): Promise<string | undefined> {
  const { rows } = await db.query<{ hash: string | null }>(`SELECT ${targetHashSql('$1', '$2::jsonb', '$3::uuid')} AS hash`, [
    tenantId,
    labels,
    instanceUid,
  ]);
  return rows[0]?.hash ?? undefined;
}

/**
 * The config hash of assignment `assignmentId` when it is active and no other active assignment
 * of `tenantId` ranks above it in the resolution order (urgent, agent pin, priority, newest,
 * latest inserted): then it is the target of every agent its selector matches, without resolving
 * each agent. `undefined` otherwise (superseded, deactivated, or outranked somewhere).
 */
export async function uncontestedAssignmentHash(db: SqlExecutor, tenantId: string, assignmentId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ config_hash: string }>(
    `SELECT a.config_hash FROM config_assignments a
      WHERE a.id = $2::uuid AND a.tenant_id = $1 AND a.active
        AND NOT EXISTS (SELECT 1 FROM config_assignments c
                         WHERE c.tenant_id = a.tenant_id AND c.active AND c.id <> a.id
                           AND (c.urgent, c.instance_uid IS NOT NULL, c.priority, c.created_at, c.seq)
                             > (a.urgent, a.instance_uid IS NOT NULL, a.priority, a.created_at, a.seq))`,
    [tenantId, assignmentId],
  );
  return rows[0]?.config_hash;
}

/** How many agents of `tenantId` (online or not) the selector matches. */
export async function countMatchingAgents(db: SqlExecutor, tenantId: string, selector: LabelSelector): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM agents WHERE tenant_id = $1 AND labels @> $2::jsonb AND selector_matches(labels, $3::jsonb)',
    [tenantId, selector.matchLabels, selectorJson(selector)],
  );
  return rows[0]?.n ?? 0;
}
