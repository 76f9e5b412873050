import type { SqlExecutor } from '@shepherd/store';
import type { AdminContext } from './admin-context.js';
import { MAX_DESCRIPTION, canonicalUid, optionalText, requireAuthor, requireTenant } from './admin-input.js';
import {
  countMatchingAgents,
  deactivateAssignments,
  insertAssignment,
  loadActiveAssignment,
  lockTarget,
  targetHashSql,
} from './assignment-repository.js';
import { appendAudit } from './audit-log.js';
import { AgentNotFoundError, AgentPinNotFoundError, InvalidConfigError, NothingToRollBackError } from './errors.js';
import { type LabelSelector, agentTargetKey, formatSelector, parseSelector, selectorJson, selectorKey } from './selector.js';

/** What to roll back: every agent of a selector, or one agent. */
export type RollbackTarget =
  | { readonly tenantId: string; readonly selector: LabelSelector }
  | { readonly tenantId: string; readonly instanceUid: string };

/** What {@link ConfigAdmin.rollback} returns. */
export interface RollbackResult {
  /** The new assignment: kind `rollback` (selector) or `agent-pin` (agent). */
  readonly assignmentId: string;
  readonly kind: 'rollback' | 'agent-pin';
  /** The config rolled back to. */
  readonly configHash: string;
  /** The config assigned before (the selector's, or the agent's target); `null` when the agent had none. */
  readonly previousHash: string | null;
  /** Agents the new assignment applies to now. */
  readonly matchedAgents: number;
}

/** What {@link ConfigAdmin.clearAgentPin} returns. */
export interface ClearAgentPinResult {
  readonly assignmentId: string;
  /** The hash the pin held the agent on. */
  readonly configHash: string;
  /** The agent's target now; `null` when nothing applies to it. */
  readonly targetHash: string | null;
}

const EVERY_AGENT: LabelSelector = parseSelector({ matchLabels: {} });

/**
 * Rolls back in one call. A selector: a new `rollback` assignment (same selector and priority)
 * of the newest earlier hash in the selector's history that differs from its current one,
 * superseding the current assignment. An agent: an `agent-pin` to its last good config (the
 * last hash it reported APPLIED other than its current target, kept in the store). Audits
 * `config.rollback` with both hashes and publishes config-changed.
 * @throws NothingToRollBackError when there is no active assignment or no earlier config;
 *   AgentNotFoundError for an agent not in the tenant; InvalidConfigError for bad input
 */
export async function rollback(ctx: AdminContext, target: RollbackTarget, author: string, reason?: string): Promise<RollbackResult> {
  const tenantId = requireTenant(target?.tenantId);
  const actor = requireAuthor(author);
  const why = optionalText(reason, 'reason', MAX_DESCRIPTION);
  const hasSelector = 'selector' in target && target.selector !== undefined;
  const hasAgent = 'instanceUid' in target && target.instanceUid !== undefined;
  if (hasSelector === hasAgent) throw new InvalidConfigError('a rollback names exactly one of selector or instanceUid');
  return hasSelector
    ? rollbackSelector(ctx, tenantId, parseSelector((target as { selector: unknown }).selector), actor, why)
    : rollbackAgent(ctx, tenantId, canonicalUid((target as { instanceUid: unknown }).instanceUid, 'instanceUid'), actor, why);
}

async function rollbackSelector(ctx: AdminContext, tenantId: string, selector: LabelSelector, author: string, reason: string | null): Promise<RollbackResult> {
  const targetKey = selectorKey(selector);
  const at = new Date(ctx.now());
  const result = await ctx.store.transaction(async (tx) => {
    await lockTarget(tx, tenantId, targetKey);
    const current = await loadActiveAssignment(tx, tenantId, targetKey, false);
    if (current === undefined) throw new NothingToRollBackError(`selector ${formatSelector(selector) || '(every agent)'} has no active assignment to roll back`);
    const { rows } = await tx.query<{ config_hash: string; name: string | null }>(
      `SELECT config_hash, name FROM config_assignments
        WHERE tenant_id = $1 AND target_key = $2 AND NOT urgent AND seq < $3 AND config_hash <> $4
        ORDER BY seq DESC LIMIT 1`,
      [tenantId, targetKey, current.seq, current.configHash],
    );
    const previous = rows[0];
    if (previous === undefined) {
      throw new NothingToRollBackError(`selector ${formatSelector(selector) || '(every agent)'} had no config before ${current.configHash}`);
    }
    await deactivateAssignments(tx, { tenantId, targetKey, urgent: false }, at, author);
    const created = await insertAssignment(tx, {
      tenantId,
      selector,
      priority: current.priority,
      configHash: previous.config_hash,
      name: previous.name,
      author,
      at,
      kind: 'rollback',
      description: reason,
    });
    const matchedAgents = await countMatchingAgents(tx, tenantId, selector);
    await appendAudit(tx, {
      tenantId,
      actor: author,
      action: 'config.rollback',
      subject: `assignment:${created.id}`,
      beforeHash: current.configHash,
      afterHash: previous.config_hash,
      details: { selector: selectorJson(selector), targetKey, reason, rolledBack: current.id, priority: current.priority, matchedAgents },
      at,
    });
    return { assignmentId: created.id, kind: 'rollback' as const, configHash: previous.config_hash, previousHash: current.configHash, matchedAgents };
  });
  const event = { tenantId, assignmentId: result.assignmentId, configHash: result.configHash, selector, at: at.toISOString() };
  await ctx.publisher.publish(event, `assignment:${result.assignmentId}`);
  return Object.freeze(result);
}

async function rollbackAgent(ctx: AdminContext, tenantId: string, instanceUid: string, author: string, reason: string | null): Promise<RollbackResult> {
  const targetKey = agentTargetKey(instanceUid);
  const at = new Date(ctx.now());
  const result = await ctx.store.transaction(async (tx) => {
    await lockTarget(tx, tenantId, targetKey);
    const current = await agentTarget(tx, tenantId, instanceUid);
    const lastGood = await lastGoodOtherThan(tx, tenantId, instanceUid, current);
    if (lastGood === undefined) {
      throw new NothingToRollBackError(`agent ${instanceUid} never reported APPLIED for a stored config other than ${current ?? 'its current one'}`);
    }
    const pins = await deactivateAssignments(tx, { tenantId, targetKey, urgent: false }, at, author);
    const created = await insertAssignment(tx, {
      tenantId,
      selector: EVERY_AGENT,
      priority: 0,
      configHash: lastGood,
      name: null,
      author,
      at,
      kind: 'agent-pin',
      instanceUid,
      description: reason,
    });
    await appendAudit(tx, {
      tenantId,
      actor: author,
      action: 'config.rollback',
      subject: `assignment:${created.id}`,
      beforeHash: current,
      afterHash: lastGood,
      details: { instanceUid, targetKey, reason, superseded: pins.map((p) => p.id) },
      at,
    });
    return { assignmentId: created.id, kind: 'agent-pin' as const, configHash: lastGood, previousHash: current, matchedAgents: 1 };
  });
  const event = { tenantId, assignmentId: result.assignmentId, configHash: result.configHash, selector: EVERY_AGENT, instanceUid, at: at.toISOString() };
  await ctx.publisher.publish(event, `assignment:${result.assignmentId}`);
  return Object.freeze(result);
}

/**
 * Ends the agent's active pin: it returns to what its selectors resolve to. Audits
 * `config.pin.clear` and publishes config-changed for the agent.
 * @throws AgentNotFoundError | AgentPinNotFoundError
 */
export async function clearAgentPin(ctx: AdminContext, tenantId: string, instanceUid: string, author: string): Promise<ClearAgentPinResult> {
  const tenant = requireTenant(tenantId);
  const uid = canonicalUid(instanceUid, 'instanceUid');
  const actor = requireAuthor(author);
  const targetKey = agentTargetKey(uid);
  const at = new Date(ctx.now());
  const result = await ctx.store.transaction(async (tx) => {
    await lockTarget(tx, tenant, targetKey);
    await agentTarget(tx, tenant, uid);
    const [pin] = await deactivateAssignments(tx, { tenantId: tenant, targetKey, urgent: false }, at, actor);
    if (pin === undefined) throw new AgentPinNotFoundError(`agent ${uid} has no pin`);
    const after = await agentTarget(tx, tenant, uid);
    await appendAudit(tx, {
      tenantId: tenant,
      actor,
      action: 'config.pin.clear',
      subject: `assignment:${pin.id}`,
      beforeHash: pin.configHash,
      afterHash: after,
      details: { instanceUid: uid, targetKey },
      at,
    });
    return { assignmentId: pin.id, configHash: pin.configHash, targetHash: after };
  });
  const event = { tenantId: tenant, assignmentId: result.assignmentId, configHash: result.configHash, selector: EVERY_AGENT, instanceUid: uid, at: at.toISOString() };
  await ctx.publisher.publish(event, `deactivated:${result.assignmentId}`);
  return Object.freeze(result);
}

/** The agent's live target hash (`null` when nothing applies). @throws AgentNotFoundError */
async function agentTarget(db: SqlExecutor, tenantId: string, instanceUid: string): Promise<string | null> {
  const { rows } = await db.query<{ target: string | null }>(
    `SELECT ${targetHashSql('a.tenant_id', 'a.labels', 'a.instance_uid')} AS target FROM agents a WHERE a.tenant_id = $1 AND a.instance_uid = $2`,
    [tenantId, instanceUid],
  );
  if (rows[0] === undefined) throw new AgentNotFoundError(instanceUid);
  return rows[0].target;
}

/** The agent's last applied hash unless it is `current`, else its newest other APPLIED one; only stored versions. */
async function lastGoodOtherThan(db: SqlExecutor, tenantId: string, instanceUid: string, current: string | null): Promise<string | undefined> {
  const { rows } = await db.query<{ hash: string }>(
    `SELECT c.hash FROM (
        SELECT s.last_applied_hash AS hash, 0 AS rank, s.last_applied_at AS at FROM agent_config_state s WHERE s.instance_uid = $2
        UNION ALL
        SELECT f.config_hash, 1, f.updated_at FROM agent_config_status f WHERE f.instance_uid = $2 AND f.status = 'APPLIED'
      ) c JOIN config_versions v ON v.tenant_id = $1 AND v.hash = c.hash
      WHERE c.hash IS DISTINCT FROM $3::text
      ORDER BY c.rank, c.at DESC NULLS LAST, c.hash LIMIT 1`,
    [tenantId, instanceUid, current],
  );
  return rows[0]?.hash;
}
