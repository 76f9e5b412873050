import { AgentCapabilities as AC, decodeAgentToServer, encodeAgentToServer, toLong, type IAgentToServer } from '@shepherd/proto';
import type { AgentSession } from '@shepherd/opamp-core';
import { afterEach, describe, expect, it } from 'vitest';
import { AUTH, httpPost, startTestGateway, type TestGateway } from './gateway.test-helpers.js';
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

describe('heartbeat coalescing in the gateway (OPAMP_HEARTBEAT_PUBLISH_INTERVAL_MS)', () => {
  let tg: TestGateway;
  afterEach(async () => {
    await tg?.close();
  });
  const poll = (uid: Uint8Array, seq: bigint, extra: IAgentToServer = {}) =>
    httpPost(tg.gateway.url, encodeAgentToServer({ instanceUid: uid, sequenceNum: toLong(seq), capabilities: toLong(AGENT_CAPS), ...extra }), PROTO);

  it('answers every poll but publishes a plain heartbeat only once the last publish is older than the interval', async () => {
    tg = await startTestGateway({ heartbeatPublishIntervalMs: 300 });
    const uid = newUid();
    expect((await poll(uid, 1n, { agentDescription: describeAgent('a') })).status).toBe(200);
    for (const seq of [2n, 3n, 4n]) expect((await poll(uid, seq)).status).toBe(200);
    // Anything else is published at once.
    expect((await poll(uid, 5n, { health: { healthy: true } })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await poll(uid, 6n)).status).toBe(200);
    const published = await tg.events.messagesAtLeast(3);
    const seqs = published.map((env) => decodeAgentToServer(env.agentToServer).sequenceNum.toString());
    expect(seqs).toEqual(['1', '5', '6']);
    expect(await tg.metric('shepherd_gateway_protocol_events_total', { event: 'heartbeat_coalesced' })).toBe(3);
  });

  it('publishes every message with an interval of 0', async () => {
    tg = await startTestGateway({ heartbeatPublishIntervalMs: 0 });
    const uid = newUid();
    await poll(uid, 1n, { agentDescription: describeAgent('a') });
    for (const seq of [2n, 3n]) await poll(uid, seq);
    expect(await tg.events.messagesAtLeast(3)).toHaveLength(3);
  });
});
