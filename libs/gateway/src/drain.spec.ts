import { ServerErrorResponseType, encodeAgentToServer, toBigInt, toLong, uidToString } from '@shepherd/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { AUTH, httpPost, retryAfter, startTestGateway, type TestGateway } from './gateway.test-helpers.js';
import { CLOSE_GOING_AWAY } from './index.js';
import { WsTestAgent, describeAgent, newUid } from './ws-agent.test-helpers.js';

let tg: TestGateway;
const agents: WsTestAgent[] = [];

async function agent(): Promise<{ a: WsTestAgent; uid: Uint8Array }> {
  const a = await WsTestAgent.connect(tg.gateway.wsUrl);
  agents.push(a);
  const uid = newUid();
  await a.exchange({ instanceUid: uid, agentDescription: describeAgent(uidToString(uid)) });
  return { a, uid };
}

afterEach(async () => {
  for (const a of agents.splice(0)) a.socket.terminate();
  await tg?.close();
});

describe('drain', () => {
  it('refuses new agents with 503 + Retry-After, tells existing ones Unavailable, closes them with 1001, within the deadline', async () => {
    // wire-facts §7.37, §7.38, §7.18
    tg = await startTestGateway({ retryAfterSeconds: 7, drainBatchSize: 2, drainBatchIntervalMs: 20, drainTimeoutMs: 2_000 });
    const existing = await Promise.all([agent(), agent(), agent(), agent(), agent()]);
    const httpUid = newUid();
    const poll = (seq: bigint) =>
      httpPost(tg.gateway.url, encodeAgentToServer({ instanceUid: httpUid, sequenceNum: toLong(seq) }), {
        'Content-Type': 'application/x-protobuf',
        Authorization: AUTH,
      });
    expect((await poll(1n)).status).toBe(200);

    tg.gateway.beginDrain();
    const refusedWs = (await WsTestAgent.connect(tg.gateway.wsUrl).catch((e: unknown) => e)) as { status: number; headers: Record<string, string> };
    expect(refusedWs.status).toBe(503);
    expect(Number(refusedWs.headers['retry-after'])).toBeGreaterThanOrEqual(7);
    const refusedHttp = await poll(2n);
    expect(refusedHttp.status).toBe(503);
    expect(retryAfter(refusedHttp.headers)).toBeGreaterThanOrEqual(7);
    expect(retryAfter(refusedHttp.headers)).toBeLessThanOrEqual(14);

    const started = Date.now();
    await tg.gateway.drainAgents();
    expect(Date.now() - started).toBeLessThan(2_000);
    for (const { a, uid } of existing) {
      const goodbye = await a.nth(2);
      expect(Buffer.from(goodbye.instanceUid)).toEqual(Buffer.from(uid));
      expect(goodbye.errorResponse!.type).toBe(ServerErrorResponseType.ServerErrorResponseType_Unavailable);
      const retryNs = toBigInt(goodbye.errorResponse!.retryInfo!.retryAfterNanoseconds!);
      expect(retryNs).toBeGreaterThanOrEqual(7_000_000_000n);
      expect(retryNs).toBeLessThanOrEqual(14_000_000_000n);
      expect(await a.closed).toEqual({ code: CLOSE_GOING_AWAY, reason: 'gateway shutting down' });
    }
    expect(tg.gateway.connectionCount()).toBe(0);
    await expect.poll(() => tg.ownership.owner(uidToString(httpUid))).toBeUndefined();
  });

  it('cuts sockets that do not finish the close handshake by the deadline', async () => {
    tg = await startTestGateway({ drainTimeoutMs: 300, drainBatchIntervalMs: 10 });
    const { a } = await agent();
    // A peer that never answers the Close frame: stop reading from its socket.
    (a.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const started = Date.now();
    await tg.gateway.drainAgents();
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(tg.gateway.connectionCount()).toBe(0);
  });

  it('close() ends everything and is idempotent', async () => {
    tg = await startTestGateway();
    const { a } = await agent();
    await Promise.all([tg.gateway.close(), tg.gateway.close()]);
    expect((await a.closed).code).toBe(1006);
    await expect(fetch(tg.gateway.url)).rejects.toThrow();
  });
});
