import { AgentCapabilities, CommandType, DeliveryKind, toMask } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import { FULL_CAPABILITIES, description, newAgent, seq } from './agent-fixtures.test-helpers.js';
import { createAgentCommands } from './agent-commands.js';
import { AgentCapabilityMissingError, AgentNotFoundError, AgentOfflineError, InvalidAgentQueryError } from './errors.js';
import { useServiceHarness } from './service-harness.test-helpers.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

const RESTARTABLE = toMask(FULL_CAPABILITIES, AgentCapabilities.AgentCapabilities_AcceptsRestartCommand);

describe.each(ENGINES)('agent restart command on %s', (engine) => {
  const db = useTestDatabase(engine);
  const h = useServiceHarness(db);
  const commands = () => createAgentCommands({ store: db.store, bus: h.bus, ownership: h.ownership, topology: h.topology, now: () => h.clock });

  async function knownAgent(capabilities: ReturnType<typeof toMask>, tenantId = 'default') {
    const agent = newAgent();
    await h.report({ instanceUid: agent.bytes, sequenceNum: seq(1), capabilities, agentDescription: description({ env: 'test' }) }, { tenantId });
    await h.takeDeliveries();
    return agent;
  }

  it('sends CommandType Restart to the owning gateway and audits who asked (wire-facts §7.71)', async () => {
    const agent = await knownAgent(RESTARTABLE);
    await h.ownership.claim(agent.uid, h.gatewayId, 60_000);

    const result = await commands().restart('default', agent.uid.toUpperCase(), 'alice');

    expect(result.gatewayId).toBe(h.gatewayId);
    const [sent, ...more] = await h.takeDeliveries();
    expect(more).toEqual([]);
    expect(sent!.delivery.kind).toBe(DeliveryKind.DELIVERY_KIND_COMMAND);
    expect(sent!.delivery.correlationId).toBe(result.commandId);
    expect(sent!.serverToAgent.command?.type).toBe(CommandType.CommandType_Restart);
    expect(sent!.serverToAgent.remoteConfig).toBeNull();
    const audit = await db.store.query('SELECT actor, action, subject, details FROM audit_log WHERE subject = $1', [`agent:${agent.uid}`]);
    expect(audit.rows).toEqual([{ actor: 'alice', action: 'agent.restart', subject: `agent:${agent.uid}`, details: { commandId: result.commandId, gatewayId: h.gatewayId } }]);
  });

  it('refuses an agent without AcceptsRestartCommand and sends nothing (wire-facts §7.34)', async () => {
    const agent = await knownAgent(FULL_CAPABILITIES);
    await h.ownership.claim(agent.uid, h.gatewayId, 60_000);
    await expect(commands().restart('default', agent.uid, 'alice')).rejects.toBeInstanceOf(AgentCapabilityMissingError);
    expect(await h.takeDeliveries()).toEqual([]);
  });

  it('refuses an agent no gateway owns with AGENT_OFFLINE', async () => {
    const agent = await knownAgent(RESTARTABLE);
    await expect(commands().restart('default', agent.uid, 'alice')).rejects.toMatchObject({ code: 'AGENT_OFFLINE' });
    await expect(commands().restart('default', agent.uid, 'alice')).rejects.toBeInstanceOf(AgentOfflineError);
  });

  it("answers not found for an unknown agent and for another tenant's agent, and a bad uid as invalid", async () => {
    const other = await knownAgent(RESTARTABLE, 'tenant-b');
    await h.ownership.claim(other.uid, h.gatewayId, 60_000);
    await expect(commands().restart('default', other.uid, 'alice')).rejects.toBeInstanceOf(AgentNotFoundError);
    await expect(commands().restart('default', newAgent().uid, 'alice')).rejects.toBeInstanceOf(AgentNotFoundError);
    await expect(commands().restart('default', 'not-a-uid', 'alice')).rejects.toBeInstanceOf(InvalidAgentQueryError);
    expect(await h.takeDeliveries()).toEqual([]);
  });
});
