import { ConfigValidationError, validateConfigFiles as validateCollectorConfig } from '@shepherd/config-validation';
import type { AdminContext } from './admin-context.js';
import { MAX_DESCRIPTION, canonicalUid, optionalText, requireAuthor, requireTenant } from './admin-input.js';
import {
  ASSIGNMENT_COLUMNS,
  type AssignmentRow,
  countMatchingAgents,
  deactivateAssignments,
  insertAssignment,
  loadActiveAssignment,
  lockTarget,
  toAssignment,
} from './assignment-repository.js';
import { appendAudit } from './audit-log.js';
import { type ConfigFileInput, validateConfigFiles } from './config-files.js';
import { configHash } from './config-hash.js';
import { saveConfigVersion } from './config-versions.js';
import { AssignmentNotFoundError } from './errors.js';
import { type LabelSelector, parseSelector, selectorJson, selectorKey } from './selector.js';

/** What {@link ConfigAdmin.setEmergencyConfig} takes. */
export interface SetEmergencyConfigInput {
  readonly tenantId: string;
  readonly selector: LabelSelector;
  readonly files: readonly ConfigFileInput[];
  readonly author: string;
  /** Why (at most 4096 characters). */
  readonly description?: string;
}

/** What {@link ConfigAdmin.setEmergencyConfig} returns. */
export interface SetEmergencyConfigResult {
  readonly assignmentId: string;
  readonly configHash: string;
  /** Agents of the tenant (online or not) the selector matches now. */
  readonly matchedAgents: number;
  /** What the selector's own assignment was before (a superseded emergency, else its normal one). */
  readonly previousHash?: string;
}

/** An active emergency config. */
export interface EmergencyConfig {
  readonly assignmentId: string;
  readonly selector: LabelSelector;
  readonly configHash: string;
  readonly author: string;
  /** ISO-8601. */
  readonly createdAt: string;
  readonly description: string | null;
}

/** What {@link ConfigAdmin.clearEmergencyConfig} returns. */
export interface ClearEmergencyConfigResult {
  readonly assignmentId: string;
  /** The hash the emergency config assigned. */
  readonly configHash: string;
  /** The selector's active normal assignment that applies again, if any (other rules may apply to some agents). */
  readonly restoredHash?: string;
}

/** Most emergency configs {@link listEmergencyConfigs} returns (newest first). */
export const MAX_EMERGENCY_CONFIGS = 1000;

/**
 * Stores the version and an emergency assignment (seed 5.2, priority URGENT): it wins over
 * every other assignment of the agents it matches until cleared. It supersedes an active
 * emergency config of the same selector. Audits `config.emergency.set`, publishes config-changed.
 */
export async function setEmergencyConfig(ctx: AdminContext, input: SetEmergencyConfigInput): Promise<SetEmergencyConfigResult> {
  const tenantId = requireTenant(input.tenantId);
  const selector = parseSelector(input.selector);
  const files = validateConfigFiles(input.files);
  const author = requireAuthor(input.author);
  const description = optionalText(input.description, 'description', MAX_DESCRIPTION);
  const problems = validateCollectorConfig(input.files);
  if (problems.length > 0) throw new ConfigValidationError(problems);
  const hash = configHash(files);
  const targetKey = selectorKey(selector);
  const at = new Date(ctx.now());
  const { id, matchedAgents, previousHash } = await ctx.store.transaction(async (tx) => {
    await saveConfigVersion(tx, { tenantId, hash, name: null, files, author, at, description });
    await lockTarget(tx, tenantId, targetKey);
    const superseded = await deactivateAssignments(tx, { tenantId, targetKey, urgent: true }, at, author);
    const previous = superseded[0]?.configHash ?? (await loadActiveAssignment(tx, tenantId, targetKey, false))?.configHash ?? null;
    const created = await insertAssignment(tx, { tenantId, selector, priority: 0, configHash: hash, name: null, author, at, kind: 'emergency', description });
    const matched = await countMatchingAgents(tx, tenantId, selector);
    await appendAudit(tx, {
      tenantId,
      actor: author,
      action: 'config.emergency.set',
      subject: `assignment:${created.id}`,
      beforeHash: previous,
      afterHash: hash,
      details: { selector: selectorJson(selector), targetKey, description, matchedAgents: matched, superseded: superseded.map((s) => s.id) },
      at,
    });
    return { id: created.id, matchedAgents: matched, previousHash: previous };
  });
  await ctx.publisher.publish({ tenantId, assignmentId: id, configHash: hash, selector, at: at.toISOString() }, `assignment:${id}`);
  return Object.freeze({ assignmentId: id, configHash: hash, matchedAgents, ...(previousHash === null ? {} : { previousHash }) });
}

/** The tenant's active emergency configs, newest first (at most {@link MAX_EMERGENCY_CONFIGS}). */
export async function listEmergencyConfigs(ctx: AdminContext, tenantId: string): Promise<EmergencyConfig[]> {
  const { rows } = await ctx.store.query<AssignmentRow>(
    `SELECT ${ASSIGNMENT_COLUMNS} FROM config_assignments c
      WHERE c.tenant_id = $1 AND c.active AND c.urgent
      ORDER BY c.created_at DESC, c.seq DESC LIMIT $2`,
    [requireTenant(tenantId), MAX_EMERGENCY_CONFIGS],
  );
  return rows.map(toAssignment).map((a) =>
    Object.freeze({
      assignmentId: a.id,
      selector: a.selector,
      configHash: a.configHash,
      author: a.author,
      createdAt: a.createdAt.toISOString(),
      description: a.description,
    }),
  );
}

/**
 * Ends an active emergency config of the tenant: its agents return to their normal
 * assignments. Audits `config.emergency.clear`, publishes config-changed.
 * @throws AssignmentNotFoundError when the tenant has no active emergency config with this id
 */
export async function clearEmergencyConfig(ctx: AdminContext, tenantId: string, assignmentId: string, author: string): Promise<ClearEmergencyConfigResult> {
  const tenant = requireTenant(tenantId);
  const id = canonicalUid(assignmentId, 'assignment id');
  const actor = requireAuthor(author);
  const at = new Date(ctx.now());
  const cleared = await ctx.store.transaction(async (tx) => {
    const { rows } = await tx.query<AssignmentRow>(
      `SELECT ${ASSIGNMENT_COLUMNS} FROM config_assignments c WHERE c.tenant_id = $1 AND c.id = $2 AND c.active AND c.urgent`,
      [tenant, id],
    );
    if (rows[0] === undefined) throw new AssignmentNotFoundError(`no active emergency config ${id}`);
    const emergency = toAssignment(rows[0]);
    await lockTarget(tx, tenant, emergency.targetKey);
    const ended = await deactivateAssignments(tx, { tenantId: tenant, targetKey: emergency.targetKey, urgent: true, assignmentId: id }, at, actor);
    // A concurrent clear won the lock and already ended it.
    if (ended.length === 0) throw new AssignmentNotFoundError(`no active emergency config ${id}`);
    const restored = (await loadActiveAssignment(tx, tenant, emergency.targetKey, false))?.configHash ?? null;
    await appendAudit(tx, {
      tenantId: tenant,
      actor,
      action: 'config.emergency.clear',
      subject: `assignment:${id}`,
      beforeHash: emergency.configHash,
      afterHash: restored,
      details: { selector: selectorJson(emergency.selector), targetKey: emergency.targetKey },
      at,
    });
    return { emergency, restored };
  });
  const { emergency, restored } = cleared;
  const event = { tenantId: tenant, assignmentId: id, configHash: emergency.configHash, selector: emergency.selector, at: at.toISOString() };
  await ctx.publisher.publish(event, `deactivated:${id}`);
  return Object.freeze({ assignmentId: id, configHash: emergency.configHash, ...(restored === null ? {} : { restoredHash: restored }) });
}
