import {
  AgentToServerFlags,
  ConnectionEventKind,
  ServerErrorResponseType,
  ServerToAgentFlags,
  Transport,
  decodeAgentToServer,
  hasCapability,
  toBigInt,
  uidToString,
} from '@shepherd/proto';
import { GATEWAY_SERVER_CAPABILITIES } from '@shepherd/opamp-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientOptions } from 'ws';
import { EXPIRED_TOKEN, TENANT, startTestGateway, type TestGateway, publishGate } from './gateway.test-helpers.js';
import { CLOSE_REPLACED } from './index.js';
import { WsTestAgent, describeAgent, newUid } from './ws-agent.test-helpers.js';

const BadRequest = ServerErrorResponseType.ServerErrorResponseType_BadRequest;
let tg: TestGateway;
const agents: WsTestAgent[] = [];

async function connect(authorization?: string | null, options: ClientOptions = {}): Promise<WsTestAgent> {
  const a = await WsTestAgent.connect(tg.gateway.wsUrl, authorization, options);
  agents.push(a);
  return a;
}

/** Proves the gateway still serves a healthy agent after something bad happened. */
async function stillServes(): Promise<void> {
  const a = await connect();
  const uid = newUid();
  const reply = await a.exchange({ instanceUid: uid, agentDescription: describeAgent('healthy') });
  expect(Buffer.from(reply.instanceUid)).toEqual(Buffer.from(uid));
  expect(reply.errorResponse).toBeNull();
}

afterEach(async () => {
  for (const a of agents.splice(0)) a.socket.terminate();
  await tg?.close();
});

describe('WebSocket transport', () => {
  it('answers every message with the agent uid and the capabilities, framed with header 0', async () => {
    // wire-facts §7.6, §7.19, §7.20, §7.21, §7.22, §7.23
    tg = await startTestGateway();
    const a = await connect();
    const uid = newUid();
    const first = await a.exchange({ instanceUid: uid, agentDescription: describeAgent('a') });
    const heartbeat = await a.exchange({ instanceUid: uid });
    for (const reply of [first, heartbeat]) {
      expect(Buffer.from(reply.instanceUid)).toEqual(Buffer.from(uid));
      expect(toBigInt(reply.capabilities)).toBe(GATEWAY_SERVER_CAPABILITIES);
      expect(reply.errorResponse).toBeNull();
      expect(toBigInt(reply.flags)).toBe(0n);
    }
  });

  it('publishes each message in an envelope and announces the connection', async () => {
    // ISSUE3 gateway → bus contract
    tg = await startTestGateway();
    const a = await connect();
    const uid = newUid();
    await a.exchange({ instanceUid: uid, agentDescription: describeAgent('a') });
    await a.exchange({ instanceUid: uid });
    const [env1, env2] = await tg.events.messagesAtLeast(2);
    expect(env1!.gatewayId).toBe(tg.gateway.gatewayId);
    expect(env1!.transport).toBe(Transport.TRANSPORT_WEBSOCKET);
    expect(env1!.tenantId).toBe(TENANT);
    expect(env1!.principal).toBe('agent-principal');
    expect(uidToString(env1!.instanceUid)).toBe(uidToString(uid));
    expect(toBigInt(decodeAgentToServer(env2!.agentToServer).sequenceNum)).toBe(2n);
    expect(env1!.connectionId).toBe(env2!.connectionId);
    const connected = await tg.events.connection((e) => e.kind === ConnectionEventKind.CONNECTION_EVENT_KIND_CONNECTED, 'connected event');
    expect(connected.connectionId).toBe(env1!.connectionId);
  });

  it('answers a non-zero header, garbage, a text frame and an empty frame with BadRequest and keeps serving', async () => {
    // wire-facts §7.7, §7.8, §7.36
    tg = await startTestGateway();
    const a = await connect();
    a.sendRaw(Uint8Array.from([0x07, 0x0a, 0x00]));
    a.sendRaw(Uint8Array.from([0x00, 0x0a, 0xff, 0xff]));
    a.sendRaw('hello', false);
    a.sendRaw(Uint8Array.from([0x00]));
    const replies = await Promise.all([1, 2, 3, 4].map((n) => a.nth(n)));
    expect(replies.map((r) => r.errorResponse?.type)).toEqual([BadRequest, BadRequest, BadRequest, BadRequest]);
    expect(replies[0]!.errorResponse!.errorMessage).toMatch(/header is 7/);
    expect(replies[1]!.errorResponse!.errorMessage).toMatch(/undecodable AgentToServer/);
    expect(replies[3]!.errorResponse!.errorMessage).toBe('instance_uid must be 16 bytes, got 0');
    for (const r of replies) expect([toBigInt(r.capabilities), r.remoteConfig, r.agentIdentification]).toEqual([0n, null, null]);
    const uid = newUid();
    expect((await a.exchange({ instanceUid: uid, agentDescription: describeAgent('a') })).errorResponse).toBeNull();
    await stillServes();
    expect(await tg.metric('shepherd_gateway_errors_total', { code: 'bad_request' })).toBe(4);
  });

  it('closes with 1009 when a message exceeds the limit, and keeps serving others', async () => {
    // wire-facts §7.9
    tg = await startTestGateway({ maxMessageBytes: 1024 });
    const a = await connect();
    a.sendRaw(new Uint8Array(2048));
    expect((await a.closed).code).toBe(1009);
    await stillServes();
  });

  it('closes with 1009 on a real 65 MiB message under the default 64 MiB limit, and keeps serving others', async () => {
    // wire-facts §7.9, §7.11
    tg = await startTestGateway({ maxMessageBytes: undefined });
    const a = await connect();
    a.sendRaw(new Uint8Array(65 * 1024 * 1024));
    expect((await a.closed).code).toBe(1009);
    await stillServes();
  }, 60_000);

  it('refuses an upgrade without a token or with an expired one with 401, and keeps serving', async () => {
    // wire-facts §7.5
    tg = await startTestGateway();
    for (const token of [null, `Bearer ${EXPIRED_TOKEN}`, 'Bearer forged']) {
      await expect(connect(token)).rejects.toMatchObject({ status: 401 });
    }
    await stillServes();
    expect(await tg.metric('shepherd_gateway_errors_total', { code: 'unauthenticated' })).toBe(3);
  });

  it('asks for ReportFullState on a sequence gap and when a first message lacks the description', async () => {
    // wire-facts §7.29, §7.31
    tg = await startTestGateway();
    const a = await connect();
    const uid = newUid();
    const full = ServerToAgentFlags.ServerToAgentFlags_ReportFullState;
    expect(hasCapability((await a.exchange({ instanceUid: uid, seq: 10n })).flags, full)).toBe(true);
    expect(hasCapability((await a.exchange({ instanceUid: uid, seq: 11n, agentDescription: describeAgent('a') })).flags, full)).toBe(false);
    expect(hasCapability((await a.exchange({ instanceUid: uid, seq: 12n })).flags, full)).toBe(false);
    expect(hasCapability((await a.exchange({ instanceUid: uid, seq: 20n })).flags, full)).toBe(true);
  });

  it('assigns a new uid on RequestInstanceUid', async () => {
    // wire-facts §7.39, §7.40
    tg = await startTestGateway();
    const a = await connect();
    const temp = newUid();
    const reply = await a.exchange({ instanceUid: temp, flags: BigInt(AgentToServerFlags.AgentToServerFlags_RequestInstanceUid) });
    expect(Buffer.from(reply.instanceUid)).toEqual(Buffer.from(temp));
    const fresh = reply.agentIdentification!.newInstanceUid!;
    expect(fresh).toHaveLength(16);
    expect(fresh[6]! >> 4).toBe(7);
    const next = await a.exchange({ instanceUid: fresh, agentDescription: describeAgent('a') });
    expect(Buffer.from(next.instanceUid)).toEqual(Buffer.from(fresh));
    expect(next.errorResponse).toBeNull();
  });

  it('gives a duplicate uid from a different agent a new uid and leaves the first agent alone', async () => {
    // wire-facts §7.41
    tg = await startTestGateway();
    const uid = newUid();
    const first = await connect();
    await first.exchange({ instanceUid: uid, agentDescription: describeAgent('vm-1') });
    const clone = await connect();
    const reply = await clone.exchange({ instanceUid: uid, agentDescription: describeAgent('vm-2-cloned') });
    expect(reply.agentIdentification!.newInstanceUid).toHaveLength(16);
    expect(uidToString(reply.agentIdentification!.newInstanceUid!)).not.toBe(uidToString(uid));
    expect((await first.exchange({ instanceUid: uid })).errorResponse).toBeNull();
    expect(tg.gateway.connectionCount()).toBe(2);
  });

  it('replaces an older connection of the same agent, closing it with 4000', async () => {
    // architecture "a second live connection with the same UID replaces the first"; wire-facts §7.18
    tg = await startTestGateway();
    const uid = newUid();
    const older = await connect();
    await older.exchange({ instanceUid: uid, agentDescription: describeAgent('vm-1') });
    const newer = await connect();
    expect((await newer.exchange({ instanceUid: uid, agentDescription: describeAgent('vm-1') })).agentIdentification).toBeNull();
    expect(await older.closed).toEqual({ code: CLOSE_REPLACED, reason: 'replaced by a newer connection' });
    const gone = await tg.events.connection((e) => e.kind === ConnectionEventKind.CONNECTION_EVENT_KIND_DISCONNECTED, 'disconnect of the older');
    expect(gone.reason).toBe('replaced by a newer connection');
    expect((await newer.exchange({ instanceUid: uid })).errorResponse).toBeNull();
  });

  it('carries several agents on one WebSocket, each answered with its own uid', async () => {
    // wire-facts §7.45
    tg = await startTestGateway();
    const a = await connect();
    const uids = [newUid(), newUid(), newUid()];
    for (const [i, uid] of uids.entries()) {
      const reply = await a.exchange({ instanceUid: uid, agentDescription: describeAgent(`m-${i}`) });
      expect(Buffer.from(reply.instanceUid)).toEqual(Buffer.from(uid));
    }
    const owners = await tg.ownership.owners(uids.map(uidToString));
    expect(owners.size).toBe(3);
  });

  it('refuses more agents on one WebSocket than maxAgentsPerConnection, still serving the first', async () => {
    // bounded state per connection (§7.45)
    tg = await startTestGateway({ maxAgentsPerConnection: 1 });
    const a = await connect();
    const [u1, u2] = [newUid(), newUid()];
    await a.exchange({ instanceUid: u1, agentDescription: describeAgent('1') });
    const refused = await a.exchange({ instanceUid: u2, agentDescription: describeAgent('2') });
    expect(refused.errorResponse!.errorMessage).toBe('this connection already carries 1 agents');
    expect(Buffer.from(refused.instanceUid)).toEqual(Buffer.from(u2));
    expect((await a.exchange({ instanceUid: u1 })).errorResponse).toBeNull();
  });

  it('forgets the agent on agent_disconnect and every agent when the socket closes', async () => {
    // wire-facts §7.42, §7.43
    tg = await startTestGateway();
    const a = await connect();
    const [u1, u2] = [newUid(), newUid()];
    await a.exchange({ instanceUid: u1, agentDescription: describeAgent('1') });
    await a.exchange({ instanceUid: u2, agentDescription: describeAgent('2') });
    expect((await a.exchange({ instanceUid: u1, agentDisconnect: {} })).errorResponse).toBeNull();
    const bye = await tg.events.connection((e) => e.reason === 'agent_disconnect', 'agent_disconnect event');
    expect(uidToString(bye.instanceUid)).toBe(uidToString(u1));
    a.close();
    const closed = await tg.events.connection((e) => e.reason.startsWith('socket closed'), 'socket closed event');
    expect(uidToString(closed.instanceUid)).toBe(uidToString(u2));
    await expect.poll(() => tg.ownership.owners([uidToString(u1), uidToString(u2)]).then((m) => m.size)).toBe(0);
  });

  it('refuses upgrades beyond maxConnections with 503 and Retry-After', async () => {
    // wire-facts §7.38
    tg = await startTestGateway({ maxConnections: 1, retryAfterSeconds: 5 });
    await connect();
    const refused = (await connect().catch((e: unknown) => e)) as { status: number; headers: Record<string, string> };
    expect(refused.status).toBe(503);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(5);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(10);
  });

  it('stops reading a connection while bus publishes are backed up and answers its message once they drain', async () => {
    const { held, release } = publishGate();
    tg = await startTestGateway({ maxInFlightPublishes: 2, busOptions: { beforeStore: () => held } });
    const a = await connect();
    const uid = newUid();
    await a.exchange({ instanceUid: uid, agentDescription: describeAgent('a') });
    let answered = false;
    const reply = a.exchange({ instanceUid: uid, health: { healthy: true } }).then((r) => ((answered = true), r));
    await expect.poll(() => tg.metric('shepherd_gateway_protocol_events_total', { event: 'reads_paused' })).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answered).toBe(false);
    release();
    expect((await reply).errorResponse).toBeNull();
    expect((await a.exchange({ instanceUid: uid })).errorResponse).toBeNull();
  });

  it('keeps a woken connection waiting when the bound is met again, instead of answering Unavailable', async () => {
    // Each publish waits for its own release, in order.
    const gates: Array<() => void> = [];
    let open = false;
    tg = await startTestGateway({
      maxInFlightPublishes: 2,
      busOptions: { beforeStore: () => (open ? Promise.resolve() : new Promise<void>((resolve) => gates.push(resolve))) },
    });
    const [a, b] = [await connect(), await connect()];
    const [ua, ub] = [newUid(), newUid()];
    const first = a.exchange({ instanceUid: ua, agentDescription: describeAgent('a') });
    await first;
    await expect.poll(() => gates.length).toBe(2);
    const replies = [b.exchange({ instanceUid: ub, agentDescription: describeAgent('b') }), a.exchange({ instanceUid: ua, health: { healthy: true } })];
    await expect.poll(() => tg.metric('shepherd_gateway_protocol_events_total', { event: 'reads_paused' })).toBe(2);
    // One publish done: room for one connection; the other finds the bound met again and waits.
    gates.shift()!();
    await expect.poll(() => gates.length).toBeGreaterThanOrEqual(2);
    open = true;
    gates.splice(0).forEach((release) => release());
    const answers = await Promise.all(replies);
    expect(answers.map((r) => r.errorResponse)).toEqual([null, null]);
    expect(await tg.metric('shepherd_gateway_errors_total', { code: 'overloaded' })).toBe(0);
  });

  it('answers Unavailable with retry_info when more frames arrive than a paused connection holds', async () => {
    // wire-facts §7.37
    const { held, release } = publishGate();
    tg = await startTestGateway({ maxInFlightPublishes: 2, busOptions: { beforeStore: () => held } });
    const a = await connect();
    const uid = newUid();
    await a.exchange({ instanceUid: uid, agentDescription: describeAgent('a') });
    const replies = Array.from({ length: 9 }, () => a.exchange({ instanceUid: uid }));
    const ninth = await replies[8]!;
    expect(ninth.errorResponse!.type).toBe(ServerErrorResponseType.ServerErrorResponseType_Unavailable);
    expect(toBigInt(ninth.errorResponse!.retryInfo!.retryAfterNanoseconds!)).toBeGreaterThanOrEqual(30_000_000_000n);
    release();
    await Promise.all(replies);
  });

  it('stops reading while the payload bytes in flight reach their bound, whatever their number', async () => {
    const { held, release } = publishGate();
    // One full description is more than 64 bytes; the count bound is far away.
    tg = await startTestGateway({ maxInFlightPublishes: 1000, maxInFlightPublishBytes: 64, busOptions: { beforeStore: () => held } });
    const a = await connect();
    const uid = newUid();
    await a.exchange({ instanceUid: uid, agentDescription: describeAgent('a') });
    const reply = a.exchange({ instanceUid: uid });
    await expect.poll(() => tg.metric('shepherd_gateway_protocol_events_total', { event: 'reads_paused' })).toBe(1);
    release();
    expect((await reply).errorResponse).toBeNull();
  });

  it('terminates a peer that does not answer pings', async () => {
    // liveness: ws ping every pingIntervalMs (wire-facts §6.2 leaves it to the server)
    tg = await startTestGateway({ pingIntervalMs: 50 });
    const silent = await connect(undefined, { autoPong: false });
    const lively = await connect();
    expect((await silent.closed).code).toBe(1006);
    expect(lively.socket.readyState).toBe(lively.socket.OPEN);
    expect(await tg.metric('shepherd_gateway_drops_total', { reason: 'missed_pong' })).toBeGreaterThanOrEqual(1);
  });

  it('pings only connections that stayed silent for a whole period', async () => {
    tg = await startTestGateway({ pingIntervalMs: 100 });
    const chatty = await connect(undefined, { autoPong: false });
    const silent = await connect();
    let pingsToChatty = 0;
    let pingsToSilent = 0;
    chatty.socket.on('ping', () => (pingsToChatty += 1));
    silent.socket.on('ping', () => (pingsToSilent += 1));
    const uid = newUid();
    await chatty.exchange({ instanceUid: uid, agentDescription: describeAgent('chatty') });
    // Six periods in which the chatty agent sends a heartbeat every 40 ms and never answers a ping.
    for (let i = 0; i < 15; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 40));
      await chatty.exchange({ instanceUid: uid });
    }
    expect(pingsToChatty).toBe(0);
    expect(pingsToSilent).toBeGreaterThanOrEqual(4);
    expect(chatty.socket.readyState).toBe(chatty.socket.OPEN);
  });

  it('answers 404 off the OpAMP path and 426 to a plain GET', async () => {
    // wire-facts §7.1, §7.4
    tg = await startTestGateway();
    expect((await fetch(tg.gateway.url.replace('/v1/opamp', '/other'))).status).toBe(404);
    expect((await fetch(tg.gateway.url)).status).toBe(426);
  });
});
