import { ConfigValidationError, validateConfigFiles as validateCollectorConfig } from '@shepherd/config-validation';
import type { EventBus, Topology } from '@shepherd/bus';
import type { SqlStore } from '@shepherd/store';
import { type AgentView, loadAgentView, queryAgentViews } from './agent-view.js';
import { countMatchingAgents, insertAssignment } from './assignment-repository.js';
import { encodeConfigChangedEvent } from './config-changed-event.js';
import { type ConfigFileInput, validateConfigFiles } from './config-files.js';
import { configHash } from './config-hash.js';
import { saveConfigVersion } from './config-versions.js';
import { ConfigServiceOptionsError, InvalidAgentQueryError, InvalidConfigError } from './errors.js';
import { type LabelSelector, parseSelector } from './selector.js';
import { type ServiceLogger, errorFields } from './service-logger.js';

/** What {@link ConfigAdmin.createConfig} takes. */
export interface CreateConfigInput {
  readonly tenantId: string;
  readonly selector: LabelSelector;
  readonly files: readonly ConfigFileInput[];
  /** Higher wins when several assignments match an agent (default 0; -2^31..2^31-1). */
  readonly priority?: number;
  readonly name?: string;
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
}

/** What {@link ConfigAdmin.listAgents} takes. */
export interface ListAgentsQuery {
  readonly tenantId: string;
  /** Only agents whose labels contain all of these. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Page size (default {@link DEFAULT_AGENT_PAGE}, at most {@link MAX_AGENT_PAGE}). */
  readonly limit?: number;
  /** The `next` of the previous page. */
  readonly after?: string;
}

/** One page of agents; `next` is present when more may follow. */
export interface AgentPage {
  readonly agents: AgentView[];
  readonly next?: string;
}

/** The admin operations on configs and agents that the REST (and later gRPC) API exposes. */
export interface ConfigAdmin {
  /**
   * Stores the config version (idempotent by hash) and an active assignment in one
   * transaction (plus an audit-log entry), then publishes a config-changed event so the
   * running config service reconciles the matching agents. A failed publish is logged, not
   * thrown: the change is committed and agents converge on their next report.
   * @throws InvalidSelectorError | InvalidConfigError for bad input; store errors propagate
   */
  createConfig(input: CreateConfigInput): Promise<CreateConfigResult>;
  /**
   * Agents of a tenant in instance-uid order, optionally filtered by labels.
   * @throws InvalidSelectorError for a bad label filter; InvalidAgentQueryError for a bad limit or cursor
   */
  listAgents(query: ListAgentsQuery): Promise<AgentPage>;
  /**
   * One agent of the tenant; `undefined` when it does not exist there (other tenants' agents are invisible).
   * @throws InvalidAgentQueryError when `instanceUid` is not a canonical UUID
   */
  getAgent(tenantId: string, instanceUid: string): Promise<AgentView | undefined>;
}

/** Options of {@link createConfigAdmin}. */
export interface ConfigAdminOptions {
  readonly store: SqlStore;
  readonly bus: EventBus;
  readonly topology: Topology;
  readonly logger: ServiceLogger;
  /** Wall clock in ms (default `Date.now`). */
  readonly now?: () => number;
}

/** Page size of {@link ConfigAdmin.listAgents} when none is given. */
export const DEFAULT_AGENT_PAGE = 100;
/** Largest page of {@link ConfigAdmin.listAgents}. */
export const MAX_AGENT_PAGE = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Creates the {@link ConfigAdmin} over the store and the bus.
 * @throws ConfigServiceOptionsError when a dependency is missing
 */
export function createConfigAdmin(options: ConfigAdminOptions): ConfigAdmin {
  for (const name of ['store', 'bus', 'topology', 'logger'] as const) {
    if (options[name] === undefined || options[name] === null) throw new ConfigServiceOptionsError(`${name} is required`);
  }
  const { store, bus, topology, logger } = options;
  const now = options.now ?? Date.now;

  return Object.freeze({
    async createConfig(input: CreateConfigInput): Promise<CreateConfigResult> {
      const checked = checkCreateInput(input);
      // Before anything is stored or published: a rejected config leaves no trace.
      const problems = validateCollectorConfig(input.files);
      if (problems.length > 0) throw new ConfigValidationError(problems);
      const hash = configHash(checked.files);
      const at = new Date(now());
      const { assignment, matchedAgents } = await store.transaction(async (tx) => {
        await saveConfigVersion(tx, { tenantId: checked.tenantId, hash, name: checked.name, files: checked.files, author: checked.author, at });
        const created = await insertAssignment(tx, { ...checked, configHash: hash, at });
        const matched = await countMatchingAgents(tx, checked.tenantId, checked.selector);
        const details = { selector: checked.selector, priority: checked.priority, name: checked.name, matchedAgents: matched };
        await tx.query(
          `INSERT INTO audit_log (tenant_id, actor, action, subject, after_hash, details, at)
           VALUES ($1, $2, 'config.assign', $3, $4, $5::jsonb, $6)`,
          [checked.tenantId, checked.author, `assignment:${created.id}`, hash, details, at],
        );
        return { assignment: created, matchedAgents: matched };
      });
      const event = {
        tenantId: checked.tenantId,
        assignmentId: assignment.id,
        configHash: hash,
        selector: checked.selector,
        at: at.toISOString(),
      };
      try {
        await bus.publish(topology.subjects.configChanged, encodeConfigChangedEvent(event), { msgId: `assignment:${assignment.id}` });
      } catch (err) {
        const fields = { ...errorFields(err), assignmentId: assignment.id };
        logger.error(fields, 'config-changed event not published; agents converge on their next report');
      }
      return Object.freeze({ assignmentId: assignment.id, configHash: hash, matchedAgents });
    },

    async listAgents(query: ListAgentsQuery): Promise<AgentPage> {
      const tenantId = requireTenant(query.tenantId, InvalidAgentQueryError);
      const labels = parseSelector({ matchLabels: query.labels ?? {} }).matchLabels;
      const limit = query.limit ?? DEFAULT_AGENT_PAGE;
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_AGENT_PAGE) {
        throw new InvalidAgentQueryError(`limit must be an integer in 1..${MAX_AGENT_PAGE}, got ${String(limit)}`);
      }
      const afterUid = query.after === undefined ? null : canonicalUid(query.after, 'after');
      const rows = await queryAgentViews(store, { tenantId, labels, afterUid, limit: limit + 1 });
      if (rows.length <= limit) return { agents: rows };
      const agents = rows.slice(0, limit);
      return { agents, next: (agents[agents.length - 1] as AgentView).instanceUid };
    },

    async getAgent(tenantId: string, instanceUid: string): Promise<AgentView | undefined> {
      return loadAgentView(store, requireTenant(tenantId, InvalidAgentQueryError), canonicalUid(instanceUid, 'instance uid'));
    },
  });
}

interface CheckedCreateInput {
  readonly tenantId: string;
  readonly selector: LabelSelector;
  readonly files: ReturnType<typeof validateConfigFiles>;
  readonly priority: number;
  readonly name: string | null;
  readonly author: string;
}

function checkCreateInput(input: CreateConfigInput): CheckedCreateInput {
  const tenantId = requireTenant(input.tenantId, InvalidConfigError);
  const selector = parseSelector(input.selector);
  const files = validateConfigFiles(input.files);
  const priority = input.priority ?? 0;
  if (!Number.isSafeInteger(priority) || priority < INT32_MIN || priority > INT32_MAX) {
    throw new InvalidConfigError(`priority must be an integer in ${INT32_MIN}..${INT32_MAX}, got ${String(priority)}`);
  }
  if (input.name !== undefined && (typeof input.name !== 'string' || input.name.length > 256)) {
    throw new InvalidConfigError('name must be a string of at most 256 characters');
  }
  if (typeof input.author !== 'string' || input.author === '' || input.author.length > 256) {
    throw new InvalidConfigError('author must be a non-empty string of at most 256 characters');
  }
  return { tenantId, selector, files, priority, name: input.name === undefined || input.name === '' ? null : input.name, author: input.author };
}

function requireTenant(tenantId: unknown, ErrorClass: typeof InvalidConfigError | typeof InvalidAgentQueryError): string {
  if (typeof tenantId !== 'string' || tenantId === '' || tenantId.length > 256) {
    throw new ErrorClass('tenantId must be a non-empty string of at most 256 characters');
  }
  return tenantId;
}

function canonicalUid(text: unknown, what: string): string {
  if (typeof text !== 'string' || !UUID.test(text)) {
    throw new InvalidAgentQueryError(`${what} must be a UUID like 0190f3c2-7b1e-7cc0-8a1b-2c3d4e5f6a7b`);
  }
  return text.toLowerCase();
}
