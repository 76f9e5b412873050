import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '@shepherd/store';
import type { LabelSelector } from './selector.js';

/** Which config the agents matching a selector should run. */
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
}

/**
 * SQL of a scalar subquery giving the target config hash of an agent: among the active
 * assignments of its tenant whose selector its labels contain, the highest priority, then the
 * newest (then the latest inserted, so ties resolve the same way everywhere). `tenant` and `labels`
 * are SQL expressions (columns or parameters).
 */
export function targetHashSql(tenant: string, labels: string): string {
  return `(SELECT c.config_hash FROM config_assignments c
            WHERE c.tenant_id = ${tenant} AND c.active AND ${labels} @> (c.selector -> 'matchLabels')
            ORDER BY c.priority DESC, c.created_at DESC, c.seq DESC LIMIT 1)`;
}

/** Inserts an active assignment with a fresh id; the version must exist (foreign key). */
export async function insertAssignment(db: SqlExecutor, assignment: NewAssignment): Promise<Assignment> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO config_assignments (id, tenant_id, selector, priority, config_hash, name, author, created_at, active)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, true)`,
    [
      id,
      assignment.tenantId,
      { matchLabels: assignment.selector.matchLabels },
      assignment.priority,
      assignment.configHash,
      assignment.name,
      assignment.author,
      assignment.at,
    ],
  );
  const { at, ...rest } = assignment;
  return Object.freeze({ ...rest, id, createdAt: at, active: true });
}

/** The target config hash for an agent of `tenantId` with these labels; `undefined` when no assignment matches. */
export async function resolveTarget(db: SqlExecutor, tenantId: string, labels: Readonly<Record<string, string>>): Promise<string | undefined> {
  const { rows } = await db.query<{ hash: string | null }>(`SELECT ${targetHashSql('$1', '$2::jsonb')} AS hash`, [tenantId, labels]);
  return rows[0]?.hash ?? undefined;
}

/** How many agents of `tenantId` (online or not) the selector matches. */
export async function countMatchingAgents(db: SqlExecutor, tenantId: string, selector: LabelSelector): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM agents WHERE tenant_id = $1 AND labels @> $2::jsonb', [
    tenantId,
    selector.matchLabels,
  ]);
  return rows[0]?.n ?? 0;
}
