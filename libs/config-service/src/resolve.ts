import type { SqlExecutor } from '@shepherd/store';
import { canonicalUid, requireTenant } from './admin-input.js';
import { ASSIGNMENT_COLUMNS, type AssignmentKind, type AssignmentRow, RESOLUTION_ORDER_SQL, toAssignment } from './assignment-repository.js';
import { AgentNotFoundError, InvalidAgentQueryError } from './errors.js';
import { type LabelSelector, type SelectorMismatch, firstMismatch } from './selector.js';

/** Why the deciding assignment won. */
export type ResolutionReason = 'emergency' | 'agent-pin' | 'highest-priority' | 'newest-among-equal-priority' | 'no-match';

/** One active assignment of the tenant considered for the agent. */
export interface ResolutionCandidate {
  readonly assignmentId: string;
  readonly kind: AssignmentKind;
  readonly selector: LabelSelector;
  readonly priority: number;
  readonly urgent: boolean;
  /** The pinned agent of an `agent-pin`. */
  readonly instanceUid: string | null;
  readonly configHash: string;
  readonly name: string | null;
  readonly author: string;
  /** ISO-8601. */
  readonly createdAt: string;
  /** Whether it applies to the agent. */
  readonly matches: boolean;
  /** For one that does not apply: the first selector term the agent's labels fail. */
  readonly failed?: SelectorMismatch;
}

/** Which config an agent gets, which assignment decided it, and why. */
export interface Resolution {
  readonly tenantId: string;
  readonly instanceUid: string;
  /** The labels selectors were matched against. */
  readonly labels: Readonly<Record<string, string>>;
  /** False while the agent's description is unknown (its labels are then empty). */
  readonly described: boolean;
  /** The target hash; `null` when nothing applies. Equals the target the config service offers. */
  readonly configHash: string | null;
  readonly decidedBy: ResolutionCandidate | null;
  readonly reason: ResolutionReason;
  /** The reason in words. */
  readonly explanation: string;
  /**
   * The tenant's active assignments in resolution order, those that apply first (so the first
   * is `decidedBy`); at most {@link MAX_RESOLUTION_CANDIDATES}.
   */
  readonly candidates: readonly ResolutionCandidate[];
  /** True when more assignments exist than were listed. */
  readonly truncated: boolean;
}

/** Most candidates a {@link Resolution} lists. */
export const MAX_RESOLUTION_CANDIDATES = 100;

/**
 * Resolves one agent the way the config service does (same SQL predicate and order), and
 * explains it.
 * @throws AgentNotFoundError when the agent is not in the tenant; InvalidAgentQueryError for a bad uid
 */
export async function resolveAgent(db: SqlExecutor, tenantId: string, instanceUid: string): Promise<Resolution> {
  const tenant = requireTenant(tenantId, InvalidAgentQueryError);
  const uid = canonicalUid(instanceUid, 'instance uid');
  const agents = await db.query<{ labels: Record<string, string>; described: boolean }>(
    'SELECT labels, described FROM agents WHERE tenant_id = $1 AND instance_uid = $2',
    [tenant, uid],
  );
  const agent = agents.rows[0];
  if (agent === undefined) throw new AgentNotFoundError(uid);
  const { rows } = await db.query<AssignmentRow & { matches: boolean }>(
    `SELECT ${ASSIGNMENT_COLUMNS}, selector_matches($3::jsonb, c.selector) AS matches
       FROM config_assignments c
      WHERE c.tenant_id = $1 AND c.active AND (c.instance_uid IS NULL OR c.instance_uid = $2)
      ORDER BY selector_matches($3::jsonb, c.selector) DESC, ${RESOLUTION_ORDER_SQL}
      LIMIT $4`,
    [tenant, uid, agent.labels, MAX_RESOLUTION_CANDIDATES + 1],
  );
  const candidates = rows.slice(0, MAX_RESOLUTION_CANDIDATES).map((row) => toCandidate(row, agent.labels));
  const winner = candidates[0]?.matches === true ? candidates[0] : null;
  const { reason, explanation } = explain(winner, candidates);
  return Object.freeze({
    tenantId: tenant,
    instanceUid: uid,
    labels: agent.labels,
    described: agent.described,
    configHash: winner?.configHash ?? null,
    decidedBy: winner,
    reason,
    explanation,
    candidates,
    truncated: rows.length > MAX_RESOLUTION_CANDIDATES,
  });
}

function toCandidate(row: AssignmentRow & { matches: boolean }, labels: Readonly<Record<string, string>>): ResolutionCandidate {
  const assignment = toAssignment(row);
  const failed = row.matches ? undefined : firstMismatch(assignment.selector, labels);
  return Object.freeze({
    assignmentId: assignment.id,
    kind: assignment.kind,
    selector: assignment.selector,
    priority: assignment.priority,
    urgent: assignment.urgent,
    instanceUid: assignment.instanceUid,
    configHash: assignment.configHash,
    name: assignment.name,
    author: assignment.author,
    createdAt: assignment.createdAt.toISOString(),
    matches: row.matches,
    ...(failed === undefined ? {} : { failed }),
  });
}

function explain(winner: ResolutionCandidate | null, candidates: readonly ResolutionCandidate[]): { reason: ResolutionReason; explanation: string } {
  if (winner === null) return { reason: 'no-match', explanation: 'no active assignment of the tenant applies to this agent' };
  if (winner.urgent) return { reason: 'emergency', explanation: 'an emergency config overrides every other assignment until it is cleared' };
  if (winner.instanceUid !== null) return { reason: 'agent-pin', explanation: 'the agent is pinned to this config (e.g. rolled back to its last good one)' };
  const tied = candidates.filter((c) => c.matches && c !== winner && !c.urgent && c.instanceUid === null && c.priority === winner.priority);
  if (tied.length > 0) {
    return {
      reason: 'newest-among-equal-priority',
      explanation: `${tied.length + 1} matching assignments have priority ${winner.priority}; the newest wins`,
    };
  }
  return { reason: 'highest-priority', explanation: `the matching assignment with the highest priority (${winner.priority}) wins` };
}
