import { AgentCapabilities as AC, Transport, decodeAgentToServer, encodeAgentToServer, toLong, type IAgentToServer } from '@shepherd/proto';
import type { AgentSession } from '@shepherd/opamp-core';
import { afterEach, describe, expect, it } from 'vitest';
import { AUTH, TENANT, httpPost, startTestGateway, type TestGateway } from './gateway.test-helpers.js';
import { isPlainHeartbeat } from './plain-heartbeat.js';
import { AGENT_CAPS, describeAgent, newUid } from './ws-agent.test-helpers.js';

const PROTO = { 'Content-Type': 'application/x-protobuf', Authorization: AUTH };
const session = { capabilities: AGENT_CAPS } as AgentSession;
const message = (extra: IAgentToServer = {}) => decodeAgentToServer(encodeAgentToServer({ instanceUid: newUid(), sequenceNum: toLong(2n), capabilities: toLong(AGENT_CAPS), ...extra }));

describe('isPlainHeartbeat', () => {
  it('is true for a message with nothing but uid, sequence number and unchanged (or omitted) capabilities', () => {
    expect(isPlainHeartbeat(message(), session)).toBe(true);
    expect(isPlainHeartbeat(message({ capabilities: toLong(0n) }), session)).toBe(true);
  });

  it('is false as soon as the message says anything else', () => {
    const others: IAgentToServer[] = [
      { agentDescription: describeAgent('x') },
      { health: { healthy: true } },
      { effectiveConfig: { configMap: { configMap: {} } } },
      { remoteConfigStatus: { status: 1 } },
      { packageStatuses: {} },
      { agentDisconnect: {} },
      { flags: toLong(1n) },
      { capabilities: toLong(AGENT_CAPS | BigInt(AC.AgentCapabilities_AcceptsRestartCommand)) },
      { customMessage: { capability: 'c', type: 't' } },
    ];
    for (const extra of others) expect(isPlainHeartbeat(message(extra), session), JSON.stringify(Object.keys(extra))).toBe(false);
  });
});

describe('liveness batches in the gateway (OPAMP_LIVENESS_INTERVAL_MS)', () => {
  let tg: TestGateway;
  afterEach(async () => {
    await tg?.close();
  });
  const poll = (uid: Uint8Array, seq: bigint, extra: IAgentToServer = {}) =>
    httpPost(tg.gateway.url, encodeAgentToServer({ instanceUid: uid, sequenceNum: toLong(seq), capabilities: toLong(AGENT_CAPS), ...extra }), PROTO);
  const seqsOf = (envelopes: readonly { agentToServer: Uint8Array }[]) => envelopes.map((env) => decodeAgentToServer(env.agentToServer).sequenceNum.toString());

  it('answers every poll, publishes a plain heartbeat only in the next batch (the newest per agent) and the rest at once', async () => {
    tg = await startTestGateway({ livenessIntervalMs: 200 });
    const [a, b] = [newUid(), newUid()];
    for (const uid of [a, b]) expect((await poll(uid, 1n, { agentDescription: describeAgent('x') })).status).toBe(200);
    for (const seq of [2n, 3n, 4n]) expect((await poll(a, seq)).status).toBe(200);
    expect((await poll(b, 2n)).status).toBe(200);
    // Anything else is published at once, as its own envelope.
    expect((await poll(a, 5n, { health: { healthy: true } })).status).toBe(200);
    expect(seqsOf(await tg.events.messagesAtLeast(3))).toEqual(['1', '1', '5']);
    const [batch] = await tg.events.livenessAtLeast(1);
    expect(batch!.gatewayId).toBe(tg.gateway.gatewayId);
    const entries = new Map(batch!.agents.map((e) => [Buffer.from(e.instanceUid!).toString('hex'), e]));
    expect(entries.size).toBe(2);
    const ofA = entries.get(Buffer.from(a).toString('hex'))!;
    expect(String(ofA.sequenceNum)).toBe('4');
    expect([ofA.tenantId, ofA.transport]).toEqual([TENANT, Transport.TRANSPORT_HTTP]);
    expect(Math.abs(Number(BigInt(String(ofA.seenAtUnixNano)) / 1_000_000n) - Date.now())).toBeLessThan(5_000);
    expect(String(entries.get(Buffer.from(b).toString('hex'))!.sequenceNum)).toBe('2');
    expect(await tg.metric('shepherd_gateway_protocol_events_total', { event: 'heartbeat_batched' })).toBe(4);
    expect(tg.events.messages).toHaveLength(3);
  });

  it('publishes the pending heartbeats when the gateway drains, without waiting for the interval', async () => {
    tg = await startTestGateway({ livenessIntervalMs: 3_600_000 });
    const uid = newUid();
    await poll(uid, 1n, { agentDescription: describeAgent('x') });
    await poll(uid, 2n);
    expect(tg.events.liveness).toHaveLength(0);
    await tg.gateway.drainAgents();
    const [batch] = await tg.events.livenessAtLeast(1);
    expect(batch!.agents.map((e) => String(e.sequenceNum))).toEqual(['2']);
  });

  it('publishes every message on its own with an interval of 0', async () => {
    tg = await startTestGateway({ livenessIntervalMs: 0 });
    const uid = newUid();
    await poll(uid, 1n, { agentDescription: describeAgent('a') });
    for (const seq of [2n, 3n]) await poll(uid, seq);
    expect(seqsOf(await tg.events.messagesAtLeast(3))).toEqual(['1', '2', '3']);
    expect(tg.events.liveness).toHaveLength(0);
  });
});
