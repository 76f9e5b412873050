import { randomUUID } from 'node:crypto';
import type { EventBus, Topology } from '@shepherd/bus';
import type { OwnershipStore } from '@shepherd/ownership';
import { AgentCapabilities, hasCapability } from '@shepherd/proto';
import type { SqlStore } from '@shepherd/store';
import { restartCommandDelivery } from './deliveries.js';
import { AgentCapabilityMissingError, AgentNotFoundError, AgentOfflineError, ConfigServiceOptionsError, InvalidAgentQueryError } from './errors.js';

/** What {@link AgentCommands.restart} did. */
export interface CommandResult {
  /** Correlation id of the delivery, also recorded in the audit log. */
  readonly commandId: string;
  /** The gateway that holds the agent's connection and was asked to send the command. */
  readonly gatewayId: string;
}

/** Commands an operator sends to one agent (ServerToAgentCommand). */
export interface AgentCommands {
  /**
   * Asks the agent to restart (CommandType Restart) through the gateway that owns its
   * connection, and records who asked in the audit log. Delivery is at most once: a command
   * is never replayed to a reconnecting agent.
   * @throws AgentNotFoundError when the tenant has no such agent
   * @throws AgentOfflineError when the agent is not connected to any gateway
   * @throws AgentCapabilityMissingError when the agent did not declare AcceptsRestartCommand
   */
  restart(tenantId: string, instanceUid: string, actor: string): Promise<CommandResult>;
}

/** Options of {@link createAgentCommands}. */
export interface AgentCommandsOptions {
  readonly store: SqlStore;
  readonly bus: EventBus;
  readonly ownership: OwnershipStore;
  readonly topology: Topology;
  /** Wall clock in ms (default `Date.now`). */
  readonly now?: () => number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Creates {@link AgentCommands}. The owner comes from the ownership store (authoritative for
 * live connections), not from the inventory's last known gateway.
 * @throws ConfigServiceOptionsError when a dependency is missing
 */
export function createAgentCommands(options: AgentCommandsOptions): AgentCommands {
  for (const name of ['store', 'bus', 'ownership', 'topology'] as const) {
    if (options[name] === undefined || options[name] === null) throw new ConfigServiceOptionsError(`${name} is required`);
  }
  const { store, bus, ownership, topology } = options;
  const now = options.now ?? Date.now;
  return Object.freeze({
    async restart(tenantId: string, instanceUid: string, actor: string): Promise<CommandResult> {
      if (typeof instanceUid !== 'string' || !UUID.test(instanceUid)) {
        throw new InvalidAgentQueryError('instance uid must be a UUID like 0190f3c2-7b1e-7cc0-8a1b-2c3d4e5f6a7b');
      }
      const uid = instanceUid.toLowerCase();
      const { rows } = await store.query<{ capabilities: bigint }>(
        'SELECT capabilities FROM agents WHERE tenant_id = $1 AND instance_uid = $2',
        [tenantId, uid],
      );
      const agent = rows[0];
      if (agent === undefined) throw new AgentNotFoundError(uid);
      if (!hasCapability(BigInt.asUintN(64, agent.capabilities), AgentCapabilities.AgentCapabilities_AcceptsRestartCommand)) {
        throw new AgentCapabilityMissingError(`agent ${uid} does not accept restart commands (no AcceptsRestartCommand capability)`);
      }
      const owner = await ownership.owner(uid);
      if (owner === undefined) throw new AgentOfflineError(`agent ${uid} is not connected to any gateway`);
      const commandId = `command:restart:${randomUUID()}`;
      const at = now();
      await store.query(
        `INSERT INTO audit_log (tenant_id, actor, action, subject, details, at) VALUES ($1, $2, 'agent.restart', $3, $4::jsonb, $5)`,
        [tenantId, actor, `agent:${uid}`, { commandId, gatewayId: owner.gatewayId }, new Date(at)],
      );
      bus.send(topology.delivery(owner.gatewayId), restartCommandDelivery(uid, tenantId, at, commandId));
      return Object.freeze({ commandId, gatewayId: owner.gatewayId });
    },
  });
}
