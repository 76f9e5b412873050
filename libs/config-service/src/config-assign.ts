import { ConfigValidationError, validateConfigFiles as validateCollectorConfig } from '@shepherd/config-validation';
import type { AdminContext } from './admin-context.js';
import { MAX_DESCRIPTION, MAX_SHORT_TEXT, optionalText, requireAuthor, requireTenant } from './admin-input.js';
import { countMatchingAgents, deactivateAssignments, insertAssignment, lockTarget } from './assignment-repository.js';
import { appendAudit } from './audit-log.js';
import { type ConfigFileInput, validateConfigFiles } from './config-files.js';
import { configHash } from './config-hash.js';
import { type ConfigOrigin, checkOrigin } from './config-origin.js';
import { saveConfigVersion } from './config-versions.js';
import { InvalidConfigError } from './errors.js';
import { type LabelSelector, parseSelector, selectorJson, selectorKey } from './selector.js';

/** What {@link ConfigAdmin.createConfig} takes. */
export interface CreateConfigInput {
  readonly tenantId: string;
  readonly selector: LabelSelector;
  readonly files: readonly ConfigFileInput[];
  /** Higher wins when several assignments match an agent (default 0; -2^31..2^31-1). */
  readonly priority?: number;
  readonly name?: string;
  /** The user's name for the version, e.g. `v1.4.0` (at most 256 characters). */
  readonly label?: string;
  /** Why, or what changed (at most 4096 characters); kept on the version and the assignment. */
  readonly description?: string;
  /** Where the version came from; `{type: 'git', ...}` makes the assignment kind `gitops`. */
  readonly origin?: ConfigOrigin;
  /** Who made the change (the authenticated subject); recorded in the audit log. */
  readonly author: string;
}

/** What {@link ConfigAdmin.createConfig} returns. */
export interface CreateConfigResult {
  readonly assignmentId: string;
  /** sha256 hex of the canonical encoding of the files. */
  readonly configHash: string;
  /** Agents of the tenant (online or not) the selector matches now. */
  readonly matchedAgents: number;
  /** The config hash of the assignment of the same selector this one superseded, if any. */
  readonly previousHash?: string;
}

/** What {@link ConfigAdmin.deactivateTarget} takes. */
export interface DeactivateTargetInput {
  readonly tenantId: string;
  readonly selector: LabelSelector;
  readonly author: string;
  readonly reason?: string;
}

/** What {@link ConfigAdmin.deactivateTarget} returns. */
export interface DeactivateTargetResult {
  /** Assignments ended (0 when the selector had none active: nothing changed). */
  readonly deactivated: number;
  /** The config hash the selector assigned until now. */
  readonly previousHash?: string;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Stores the version (idempotent by hash) and an active assignment that supersedes the active
 * non-emergency assignment(s) of the same selector, audits `config.assign`, then publishes a
 * config-changed event. Validation happens before anything is stored or published.
 */
export async function createConfig(ctx: AdminContext, input: CreateConfigInput): Promise<CreateConfigResult> {
  const checked = checkCreateInput(input);
  const problems = validateCollectorConfig(input.files);
  if (problems.length > 0) throw new ConfigValidationError(problems);
  const hash = configHash(checked.files);
  const at = new Date(ctx.now());
  const targetKey = selectorKey(checked.selector);
  const kind = checked.origin.type === 'git' ? 'gitops' : 'assign';
  const { assignment, matchedAgents, previousHash } = await ctx.store.transaction(async (tx) => {
    const { tenantId, name, files, author, label, description, origin } = checked;
    await saveConfigVersion(tx, { tenantId, hash, name, files, author, at, label, description, origin });
    await lockTarget(tx, tenantId, targetKey);
    const superseded = await deactivateAssignments(tx, { tenantId, targetKey, urgent: false }, at, author);
    const created = await insertAssignment(tx, { ...checked, configHash: hash, at, kind, description });
    const matched = await countMatchingAgents(tx, tenantId, checked.selector);
    const previous = superseded[0]?.configHash ?? null;
    await appendAudit(tx, {
      tenantId,
      actor: author,
      action: 'config.assign',
      subject: `assignment:${created.id}`,
      beforeHash: previous,
      afterHash: hash,
      details: {
        selector: selectorJson(checked.selector),
        targetKey,
        kind,
        priority: checked.priority,
        name,
        label,
        description,
        origin,
        matchedAgents: matched,
        superseded: superseded.map((s) => s.id),
      },
      at,
    });
    return { assignment: created, matchedAgents: matched, previousHash: previous };
  });
  const event = { tenantId: checked.tenantId, assignmentId: assignment.id, configHash: hash, selector: checked.selector, at: at.toISOString() };
  await ctx.publisher.publish(event, `assignment:${assignment.id}`);
  return Object.freeze({ assignmentId: assignment.id, configHash: hash, matchedAgents, ...(previousHash === null ? {} : { previousHash }) });
}

/**
 * Ends the active non-emergency assignments of a selector (e.g. its GitOps directory was
 * deleted), audits `config.unassign` and publishes a config-changed event so its agents move to
 * whatever else applies. Nothing happens when the selector has no active assignment.
 */
export async function deactivateTarget(ctx: AdminContext, input: DeactivateTargetInput): Promise<DeactivateTargetResult> {
  const tenantId = requireTenant(input.tenantId);
  const selector = parseSelector(input.selector);
  const author = requireAuthor(input.author);
  const reason = optionalText(input.reason, 'reason', MAX_DESCRIPTION);
  const targetKey = selectorKey(selector);
  const at = new Date(ctx.now());
  const ended = await ctx.store.transaction(async (tx) => {
    await lockTarget(tx, tenantId, targetKey);
    const deactivated = await deactivateAssignments(tx, { tenantId, targetKey, urgent: false }, at, author);
    const newest = deactivated[0];
    if (newest === undefined) return deactivated;
    await appendAudit(tx, {
      tenantId,
      actor: author,
      action: 'config.unassign',
      subject: `assignment:${newest.id}`,
      beforeHash: newest.configHash,
      afterHash: null,
      details: { selector: selectorJson(selector), targetKey, reason, assignments: deactivated.map((d) => d.id) },
      at,
    });
    return deactivated;
  });
  const newest = ended[0];
  if (newest === undefined) return Object.freeze({ deactivated: 0 });
  const event = { tenantId, assignmentId: newest.id, configHash: newest.configHash, selector, at: at.toISOString() };
  await ctx.publisher.publish(event, `deactivated:${newest.id}`);
  return Object.freeze({ deactivated: ended.length, previousHash: newest.configHash });
}

interface CheckedCreateInput {
  readonly tenantId: string;
  readonly selector: LabelSelector;
  readonly files: ReturnType<typeof validateConfigFiles>;
  readonly priority: number;
  readonly name: string | null;
  readonly label: string | null;
  readonly description: string | null;
  readonly origin: ConfigOrigin;
  readonly author: string;
}

function checkCreateInput(input: CreateConfigInput): CheckedCreateInput {
  const tenantId = requireTenant(input.tenantId);
  const selector = parseSelector(input.selector);
  const files = validateConfigFiles(input.files);
  const priority = input.priority ?? 0;
  if (!Number.isSafeInteger(priority) || priority < INT32_MIN || priority > INT32_MAX) {
    throw new InvalidConfigError(`priority must be an integer in ${INT32_MIN}..${INT32_MAX}, got ${String(priority)}`);
  }
  return {
    tenantId,
    selector,
    files,
    priority,
    name: optionalText(input.name, 'name', MAX_SHORT_TEXT),
    label: optionalText(input.label, 'label', MAX_SHORT_TEXT),
    description: optionalText(input.description, 'description', MAX_DESCRIPTION),
    origin: checkOrigin(input.origin),
    author: requireAuthor(input.author),
  };
}
