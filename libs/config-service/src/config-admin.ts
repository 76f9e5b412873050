import type { EventBus, Topology } from '@shepherd/bus';
import type { SqlStore } from '@shepherd/store';
import type { AdminContext } from './admin-context.js';
import { canonicalUid, requireTenant } from './admin-input.js';
import { type AgentView, loadAgentView, queryAgentViews } from './agent-view.js';
import { createChangePublisher } from './change-publisher.js';
import {
  type CreateConfigInput,
  type CreateConfigResult,
  type DeactivateTargetInput,
  type DeactivateTargetResult,
  createConfig,
  deactivateTarget,
} from './config-assign.js';
import {
  type ClearEmergencyConfigResult,
  type EmergencyConfig,
  type SetEmergencyConfigInput,
  type SetEmergencyConfigResult,
  clearEmergencyConfig,
  listEmergencyConfigs,
  setEmergencyConfig,
} from './emergency-config.js';
import { ConfigServiceOptionsError, InvalidAgentQueryError } from './errors.js';
import { type Resolution, resolveAgent } from './resolve.js';
import { type ClearAgentPinResult, type RollbackResult, type RollbackTarget, clearAgentPin, rollback } from './rollback.js';
import { type LabelSelector, parseSelector } from './selector.js';
import type { ServiceLogger } from './service-logger.js';

export type { CreateConfigInput, CreateConfigResult, DeactivateTargetInput, DeactivateTargetResult } from './config-assign.js';
export type { ConfigOrigin } from './config-origin.js';
export type { ClearEmergencyConfigResult, EmergencyConfig, SetEmergencyConfigInput, SetEmergencyConfigResult } from './emergency-config.js';
export type { Resolution, ResolutionCandidate, ResolutionReason } from './resolve.js';
export type { ClearAgentPinResult, RollbackResult, RollbackTarget } from './rollback.js';

/** What {@link ConfigAdmin.listAgents} takes. */
export interface ListAgentsQuery {
  readonly tenantId: string;
  /** Only agents whose labels contain all of these. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Only agents this selector matches (expressions included); combined with `labels`. */
  readonly selector?: LabelSelector;
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

/**
 * The admin operations on configs and agents that the REST (and later gRPC) API exposes.
 * Every change commits with its audit-log entry (who, when, what, hash before and after) in
 * one transaction, then publishes a config-changed event so the running config service
 * reconciles the affected agents. A failed publish is logged, not thrown: the change is
 * committed and agents converge on their next report.
 */
export interface ConfigAdmin {
  /**
   * Stores the config version (idempotent by hash; label, description and origin kept from
   * the first store) and an active assignment that supersedes the active non-emergency
   * assignment(s) of the same selector (`previousHash` in the result).
   * @throws InvalidSelectorError | InvalidConfigError | ConfigValidationError for bad input; store errors propagate
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
  /**
   * Which config the agent gets, which assignment decided it and why, with the candidates.
   * @throws AgentNotFoundError | InvalidAgentQueryError
   */
  resolve(tenantId: string, instanceUid: string): Promise<Resolution>;
  /**
   * Rolls a selector back to the previous distinct config of its history, or one agent to its
   * last good config (an agent pin), in one call.
   * @throws NothingToRollBackError (failed_precondition) when there is nothing to return to;
   *   AgentNotFoundError; InvalidConfigError | InvalidSelectorError | InvalidAgentQueryError
   */
  rollback(target: RollbackTarget, author: string, reason?: string): Promise<RollbackResult>;
  /** Ends an agent's pin. @throws AgentNotFoundError | AgentPinNotFoundError */
  clearAgentPin(tenantId: string, instanceUid: string, author: string): Promise<ClearAgentPinResult>;
  /**
   * Sets an emergency config (seed 5.2, priority URGENT) for a selector: it overrides every
   * other assignment of the agents it matches until cleared.
   * @throws InvalidSelectorError | InvalidConfigError | ConfigValidationError
   */
  setEmergencyConfig(input: SetEmergencyConfigInput): Promise<SetEmergencyConfigResult>;
  /** The tenant's active emergency configs, newest first (bounded). */
  listEmergencyConfigs(tenantId: string): Promise<EmergencyConfig[]>;
  /** Ends an emergency config. @throws AssignmentNotFoundError when none with this id is active */
  clearEmergencyConfig(tenantId: string, assignmentId: string, author: string): Promise<ClearEmergencyConfigResult>;
  /** Ends the active (non-emergency) assignments of a selector; nothing when it has none. */
  deactivateTarget(input: DeactivateTargetInput): Promise<DeactivateTargetResult>;
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

/**
 * Creates the {@link ConfigAdmin} over the store and the bus.
 * @throws ConfigServiceOptionsError when a dependency is missing
 */
export function createConfigAdmin(options: ConfigAdminOptions): ConfigAdmin {
  for (const name of ['store', 'bus', 'topology', 'logger'] as const) {
    if (options[name] === undefined || options[name] === null) throw new ConfigServiceOptionsError(`${name} is required`);
  }
  const { store, bus, topology, logger } = options;
  const ctx: AdminContext = { store, publisher: createChangePublisher(bus, topology, logger), now: options.now ?? Date.now };

  return Object.freeze({
    createConfig: (input: CreateConfigInput) => createConfig(ctx, input),
    resolve: (tenantId: string, instanceUid: string) => resolveAgent(store, tenantId, instanceUid),
    rollback: (target: RollbackTarget, author: string, reason?: string) => rollback(ctx, target, author, reason),
    clearAgentPin: (tenantId: string, instanceUid: string, author: string) => clearAgentPin(ctx, tenantId, instanceUid, author),
    setEmergencyConfig: (input: SetEmergencyConfigInput) => setEmergencyConfig(ctx, input),
    listEmergencyConfigs: (tenantId: string) => listEmergencyConfigs(ctx, tenantId),
    clearEmergencyConfig: (tenantId: string, assignmentId: string, author: string) => clearEmergencyConfig(ctx, tenantId, assignmentId, author),
    deactivateTarget: (input: DeactivateTargetInput) => deactivateTarget(ctx, input),

    async listAgents(query: ListAgentsQuery): Promise<AgentPage> {
      const tenantId = requireTenant(query.tenantId, InvalidAgentQueryError);
      const labels = parseSelector({ matchLabels: query.labels ?? {} }).matchLabels;
      const selector = parseSelector(query.selector ?? { matchLabels: {} });
      const limit = query.limit ?? DEFAULT_AGENT_PAGE;
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_AGENT_PAGE) {
        throw new InvalidAgentQueryError(`limit must be an integer in 1..${MAX_AGENT_PAGE}, got ${String(limit)}`);
      }
      const afterUid = query.after === undefined ? null : canonicalUid(query.after, 'after');
      const rows = await queryAgentViews(store, { tenantId, labels, selector, afterUid, limit: limit + 1 });
      if (rows.length <= limit) return { agents: rows };
      const agents = rows.slice(0, limit);
      return { agents, next: (agents[agents.length - 1] as AgentView).instanceUid };
    },

    async getAgent(tenantId: string, instanceUid: string): Promise<AgentView | undefined> {
      return loadAgentView(store, requireTenant(tenantId, InvalidAgentQueryError), canonicalUid(instanceUid, 'instance uid'));
    },
  });
}
