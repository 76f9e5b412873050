import { RemoteHandlerError } from '@shepherd/bus';
import { GATEWAY_SERVER_CAPABILITIES } from '@shepherd/opamp-core';
import {
  AgentCapabilities as AC,
  DeliveryKind,
  decodeDeliveryReceipt,
  decodeServerToAgent,
  encodeAgentToServer,
  encodeServerToAgent,
  encodeServerToAgentMulticast,
  toBigInt,
  toLong,
  uidToString,
  type IServerToAgent,
} from '@shepherd/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { AUTH, TENANT, httpPost, startTestGateway, type TestGateway } from './gateway.test-helpers.js';
import { AGENT_CAPS, WsTestAgent, describeAgent, newUid } from './ws-agent.test-helpers.js';

let tg: TestGateway;
const agents: WsTestAgent[] = [];
const RC = DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG;
const OFFER: IServerToAgent = { remoteConfig: { configHash: Buffer.from('h-multi'), config: { configMap: { 'c.yaml': { body: Buffer.from('a: 1'), contentType: 'text/yaml' } } } } };

async function wsAgent(caps = AGENT_CAPS): Promise<{ a: WsTestAgent; uid: Uint8Array }> {
  const a = await WsTestAgent.connect(tg.gateway.wsUrl);
  agents.push(a);
  const uid = newUid();
  await a.exchange({ instanceUid: uid, caps, agentDescription: describeAgent(uidToString(uid)) });
  return { a, uid };
}

const poll = (uid: Uint8Array, seq: bigint) =>
  httpPost(tg.gateway.url, encodeAgentToServer({ instanceUid: uid, sequenceNum: toLong(seq), capabilities: toLong(AGENT_CAPS) }), { 'Content-Type': 'application/x-protobuf', Authorization: AUTH });

/** Sends a multicast of `message` to `uids` as a config service would, and resolves with the receipt's undelivered uids. */
async function multicast(uids: Uint8Array[], message: IServerToAgent = OFFER, tenantId = TENANT): Promise<string[]> {
  const bytes = encodeServerToAgentMulticast({ instanceUids: uids, serverToAgent: encodeServerToAgent(message), kind: RC, issuedAtUnixNano: toLong(BigInt(Date.now()) * 1_000_000n), correlationId: 'config:h', tenantId });
  const receipt = decodeDeliveryReceipt(await tg.bus.request(tg.topology.multicast(tg.gateway.gatewayId), bytes, { timeoutMs: 5_000 }));
  return receipt.undeliveredUids.map(uidToString);
}

afterEach(async () => {
  for (const a of agents.splice(0)) a.socket.terminate();
  await tg?.close();
});

describe('multicast deliveries', () => {
  it("pushes one offer to each agent with its own uid, holds it for an HTTP agent's poll, and names the agents it did not reach", async () => {
    // wire-facts §7.20, §7.22, §7.27, §7.28, §7.46
    tg = await startTestGateway();
    const [first, second] = [await wsAgent(), await wsAgent()];
    const statusOnly = await wsAgent(BigInt(AC.AgentCapabilities_ReportsStatus));
    const polling = newUid();
    expect((await poll(polling, 1n)).status).toBe(200);
    const stranger = newUid();

    const undelivered = await multicast([first.uid, statusOnly.uid, polling, stranger, second.uid]);

    expect(undelivered).toEqual([uidToString(statusOnly.uid), uidToString(stranger)]);
    for (const { a, uid } of [first, second]) {
      const pushed = await a.nth(2);
      expect(Buffer.from(pushed.instanceUid)).toEqual(Buffer.from(uid));
      expect(Buffer.from(pushed.remoteConfig!.configHash!).toString()).toBe('h-multi');
      expect(toBigInt(pushed.capabilities)).toBe(GATEWAY_SERVER_CAPABILITIES);
    }
    const reply = decodeServerToAgent(new Uint8Array((await poll(polling, 2n)).body));
    expect(Buffer.from(reply.instanceUid)).toEqual(Buffer.from(polling));
    expect(Buffer.from(reply.remoteConfig!.configHash!).toString()).toBe('h-multi');
    expect(statusOnly.a.received).toHaveLength(1);
    expect(await tg.metric('shepherd_gateway_deliveries_total', { outcome: 'pushed' })).toBe(2);
    expect(await tg.metric('shepherd_gateway_deliveries_total', { outcome: 'held' })).toBe(1);
  });

  it('gates a message that is not a plain offer for each agent, and refuses another tenant', async () => {
    tg = await startTestGateway();
    const { a, uid } = await wsAgent();
    const flagsOnly: IServerToAgent = { flags: toLong(1n) };
    expect(await multicast([uid], flagsOnly)).toEqual([]);
    expect(toBigInt((await a.nth(2)).flags)).toBe(1n);
    expect(await multicast([uid], OFFER, 'another-tenant')).toEqual([uidToString(uid)]);
    expect(await tg.metric('shepherd_gateway_drops_total', { reason: 'tenant_mismatch' })).toBe(1);
  });

  it('answers a multicast that does not decode with an error, and keeps serving', async () => {
    tg = await startTestGateway();
    const { uid } = await wsAgent();
    await expect(tg.bus.request(tg.topology.multicast(tg.gateway.gatewayId), Uint8Array.from([0x0a, 0x05]), { timeoutMs: 5_000 })).rejects.toBeInstanceOf(RemoteHandlerError);
    expect(await multicast([uid])).toEqual([]);
  });
});
