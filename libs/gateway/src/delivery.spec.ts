import { AgentCapabilities as AC, CommandType, DeliveryKind, encodeServerToAgentDelivery, toBigInt, uidToString } from '@shepherd/proto';
import { GATEWAY_SERVER_CAPABILITIES } from '@shepherd/opamp-core';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './gateway.test-helpers.js';
import { AGENT_CAPS, WsTestAgent, describeAgent, newUid } from './ws-agent.test-helpers.js';

let tg: TestGateway;
const agents: WsTestAgent[] = [];
const RC = DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG;
const config = (uid: Uint8Array, hash: string) => ({ instanceUid: uid, remoteConfig: { configHash: Buffer.from(hash), config: { configMap: { '': { body: Buffer.from('a: 1') } } } } });

async function agent(caps = AGENT_CAPS): Promise<{ a: WsTestAgent; uid: Uint8Array }> {
  const a = await WsTestAgent.connect(tg.gateway.wsUrl);
  agents.push(a);
  const uid = newUid();
  await a.exchange({ instanceUid: uid, caps, agentDescription: describeAgent(uidToString(uid)) });
  return { a, uid };
}

afterEach(async () => {
  for (const a of agents.splice(0)) a.socket.terminate();
  await tg?.close();
});

describe('deliveries to WebSocket agents', () => {
  it('pushes a delivery at once, without waiting for a message from the agent', async () => {
    // wire-facts §7.27, §7.20, §7.22
    tg = await startTestGateway();
    const { a, uid } = await agent();
    tg.deliver(uid, config(newUid(), 'h1'), RC);
    const pushed = await a.nth(2);
    expect(Buffer.from(pushed.instanceUid)).toEqual(Buffer.from(uid));
    expect(Buffer.from(pushed.remoteConfig!.configHash!).toString()).toBe('h1');
    expect(toBigInt(pushed.capabilities)).toBe(GATEWAY_SERVER_CAPABILITIES);
  });

  it('strips what the agent did not declare and sends nothing when nothing is left', async () => {
    // wire-facts §7.34, §7.71
    tg = await startTestGateway();
    const { a, uid } = await agent(BigInt(AC.AgentCapabilities_ReportsStatus));
    tg.deliver(uid, config(uid, 'h1'), RC);
    tg.deliver(uid, { instanceUid: uid, command: { type: CommandType.CommandType_Restart } }, DeliveryKind.DELIVERY_KIND_COMMAND);
    await expect.poll(() => tg.metric('shepherd_gateway_drops_total', { reason: 'capability_gated' })).toBe(2);
    const reply = await a.exchange({ instanceUid: uid });
    expect(a.received).toHaveLength(2);
    expect(reply.remoteConfig).toBeNull();
    expect(reply.command).toBeNull();
  });

  it('sends an allowed command with only instance_uid and capabilities beside it', async () => {
    // wire-facts §7.71
    tg = await startTestGateway();
    const { a, uid } = await agent(AGENT_CAPS | BigInt(AC.AgentCapabilities_AcceptsRestartCommand));
    tg.deliver(uid, { ...config(uid, 'h'), command: {} }, DeliveryKind.DELIVERY_KIND_COMMAND);
    const pushed = await a.nth(2);
    expect(pushed.command).not.toBeNull();
    expect(pushed.remoteConfig).toBeNull();
  });

  it('drops an outgoing message over the size limit and counts it', async () => {
    // wire-facts §7.10
    tg = await startTestGateway({ maxMessageBytes: 512 });
    const { a, uid } = await agent();
    tg.deliver(uid, { instanceUid: uid, remoteConfig: { configHash: Buffer.from('h'), config: { configMap: { '': { body: Buffer.alloc(1024) } } } } }, RC);
    await expect.poll(() => tg.metric('shepherd_gateway_drops_total', { reason: 'outgoing_too_large' })).toBe(1);
    tg.deliver(uid, config(uid, 'small'), RC);
    expect(Buffer.from((await a.nth(2)).remoteConfig!.configHash!).toString()).toBe('small');
  });

  it('drops deliveries for agents that are not here, of another tenant, or malformed', async () => {
    tg = await startTestGateway();
    const { a, uid } = await agent();
    tg.deliver(newUid(), config(uid, 'x'), RC);
    tg.deliver(uid, config(uid, 'x'), RC, 'another-tenant');
    tg.bus.send(tg.topology.delivery(tg.gateway.gatewayId), encodeServerToAgentDelivery({ instanceUid: Uint8Array.from([1]), kind: RC }));
    await expect.poll(() => tg.metric('shepherd_gateway_deliveries_total', { outcome: 'malformed' })).toBe(1);
    expect(await tg.metric('shepherd_gateway_drops_total', { reason: 'not_here' })).toBe(1);
    expect(await tg.metric('shepherd_gateway_drops_total', { reason: 'tenant_mismatch' })).toBe(1);
    expect(a.received).toHaveLength(1);
  });
});
