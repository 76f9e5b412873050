import { gunzipSync, gzipSync } from 'node:zlib';
import {
  AgentCapabilities as AC,
  ConnectionEventKind,
  DeliveryKind,
  ServerErrorResponseType,
  ServerToAgentFlags,
  Transport,
  decodeServerToAgent,
  encodeAgentToServer,
  hasCapability,
  toBigInt,
  toLong,
  uidToString,
  type IAgentToServer,
} from '@shepherd/proto';
import { GATEWAY_SERVER_CAPABILITIES } from '@shepherd/opamp-core';
import { afterEach, describe, expect, it } from 'vitest';
import { AUTH, EXPIRED_TOKEN, httpPost, retryAfter, startTestGateway, type RawResponse, type TestGateway, publishGate } from './gateway.test-helpers.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './index.js';
import { AGENT_CAPS, describeAgent, newUid } from './ws-agent.test-helpers.js';

const PROTO = { 'Content-Type': 'application/x-protobuf', Authorization: AUTH };
const BadRequest = ServerErrorResponseType.ServerErrorResponseType_BadRequest;
let tg: TestGateway;

afterEach(async () => {
  await tg?.close();
});

function body(uid: Uint8Array, seq: bigint, extra: Omit<IAgentToServer, 'instanceUid' | 'sequenceNum'> = {}): Uint8Array {
  return encodeAgentToServer({ instanceUid: uid, sequenceNum: toLong(seq), capabilities: toLong(AGENT_CAPS), ...extra });
}

function poll(data: Uint8Array, headers: Record<string, string | number> = {}): Promise<RawResponse> {
  return httpPost(tg.gateway.url, data, { ...PROTO, ...headers });
}

const decoded = (res: RawResponse) => decodeServerToAgent(res.headers['content-encoding'] === 'gzip' ? gunzipSync(res.body) : res.body);

async function stillServes(): Promise<void> {
  const uid = newUid();
  const res = await poll(body(uid, 1n, { agentDescription: describeAgent('healthy') }));
  expect(res.status).toBe(200);
  expect(Buffer.from(decoded(res).instanceUid)).toEqual(Buffer.from(uid));
}

describe('plain HTTP transport', () => {
  it('answers each POST with one ServerToAgent, 200 and exactly application/x-protobuf', async () => {
    // wire-facts §7.16, §7.19, §7.20, §7.22
    tg = await startTestGateway();
    const uid = newUid();
    const res = await poll(body(uid, 1n, { agentDescription: describeAgent('h') }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    expect(res.headers['content-encoding']).toBeUndefined();
    const reply = decoded(res);
    expect(Buffer.from(reply.instanceUid)).toEqual(Buffer.from(uid));
    expect(toBigInt(reply.capabilities)).toBe(GATEWAY_SERVER_CAPABILITIES);
    const [env] = await tg.events.messagesAtLeast(1);
    expect(env!.transport).toBe(Transport.TRANSPORT_HTTP);
    expect(Buffer.from(env!.agentToServer)).toEqual(Buffer.from(body(uid, 1n, { agentDescription: describeAgent('h') })));
  });

  it('accepts gzip request bodies and gzips the answer only when Accept-Encoding allows it', async () => {
    // wire-facts §7.12, §7.13
    tg = await startTestGateway();
    const uid = newUid();
    const zipped = await poll(gzipSync(body(uid, 1n, { agentDescription: describeAgent('h') })), { 'Content-Encoding': 'gzip', 'Accept-Encoding': 'gzip' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(Buffer.from(decodeServerToAgent(gunzipSync(zipped.body)).instanceUid)).toEqual(Buffer.from(uid));
    const refused = await poll(body(uid, 2n), { 'Accept-Encoding': 'gzip;q=0, identity' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(Buffer.from(decodeServerToAgent(refused.body).instanceUid)).toEqual(Buffer.from(uid));
    const plain = await poll(body(uid, 3n));
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('answers 413 when the body exceeds the limit after decompression', async () => {
    // wire-facts §7.14
    tg = await startTestGateway({ maxMessageBytes: 4096 });
    const uid = newUid();
    const big = body(uid, 1n, { agentDescription: { identifyingAttributes: [{ key: 'pad', value: { stringValue: 'x'.repeat(8192) } }] } });
    expect((await poll(big)).status).toBe(413);
    const bomb = gzipSync(big);
    expect(bomb.length).toBeLessThan(4096);
    expect((await poll(bomb, { 'Content-Encoding': 'gzip' })).status).toBe(413);
    await stillServes();
  });

  it('defaults the size limit to 64 MiB and enforces it from Content-Length alone', async () => {
    // wire-facts §7.11, §7.14
    expect(DEFAULT_MAX_MESSAGE_BYTES).toBe(64 * 1024 * 1024);
    tg = await startTestGateway({ maxMessageBytes: undefined });
    const small = body(newUid(), 1n);
    const res = await poll(small, { 'Content-Length': DEFAULT_MAX_MESSAGE_BYTES + 1 }).catch((err: unknown) => err);
    expect((res as RawResponse).status).toBe(413);
    expect((await poll(small)).status).toBe(200);
  });

  it('answers bad gzip and undecodable bodies with 400 and a BadRequest ServerToAgent, and keeps serving', async () => {
    // wire-facts §7.36, §7.24, §7.25
    tg = await startTestGateway();
    const badZip = await poll(Buffer.from('not gzip at all'), { 'Content-Encoding': 'gzip' });
    expect(badZip.status).toBe(400);
    expect(badZip.headers['content-type']).toBe('application/x-protobuf');
    expect(decoded(badZip).errorResponse!.type).toBe(BadRequest);
    const garbage = await poll(Uint8Array.from([0x0a, 0xff, 0xff]));
    expect(garbage.status).toBe(400);
    const reply = decoded(garbage);
    expect(reply.errorResponse!.errorMessage).toMatch(/undecodable AgentToServer/);
    expect([toBigInt(reply.capabilities), reply.remoteConfig]).toEqual([0n, null]);
    const shortUid = await poll(encodeAgentToServer({ instanceUid: Uint8Array.from([1, 2]) }));
    expect(decoded(shortUid).errorResponse!.errorMessage).toBe('instance_uid must be 16 bytes, got 2');
    expect((await poll(body(newUid(), 1n), { 'Content-Encoding': 'br' })).status).toBe(415);
    await stillServes();
  });

  it('accepts the OpAMP-Instance-UID header without requiring it, and refuses a mismatching one', async () => {
    // wire-facts §7.17
    tg = await startTestGateway();
    const uid = newUid();
    expect((await poll(body(uid, 1n), { 'OpAMP-Instance-UID': uidToString(uid) })).status).toBe(200);
    expect((await poll(body(uid, 2n))).status).toBe(200);
    const wrong = await poll(body(uid, 3n), { 'OpAMP-Instance-UID': uidToString(newUid()) });
    expect(wrong.status).toBe(400);
    expect(decoded(wrong).errorResponse!.errorMessage).toBe('OpAMP-Instance-UID header does not match instance_uid');
  });

  it('refuses a missing or expired token with 401 and keeps serving', async () => {
    // wire-facts §7.5
    tg = await startTestGateway();
    const uid = newUid();
    const missing = await httpPost(tg.gateway.url, body(uid, 1n), { 'Content-Type': 'application/x-protobuf' });
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect((await poll(body(uid, 1n), { Authorization: `Bearer ${EXPIRED_TOKEN}` })).status).toBe(401);
    await stillServes();
  });

  it('holds deliveries for the next poll and sends only the latest of each kind', async () => {
    // wire-facts §7.28
    tg = await startTestGateway();
    const uid = newUid();
    await poll(body(uid, 1n, { agentDescription: describeAgent('h') }));
    const hash = (h: string) => ({ instanceUid: uid, remoteConfig: { configHash: Buffer.from(h), config: { configMap: {} } } });
    tg.deliver(uid, hash('old'), DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG);
    tg.deliver(uid, hash('new'), DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG);
    tg.deliver(uid, { instanceUid: uid, flags: toLong(1n) }, DeliveryKind.DELIVERY_KIND_FLAGS);
    await expect.poll(() => tg.metric('shepherd_gateway_deliveries_total', { outcome: 'held' })).toBe(3);
    const reply = decoded(await poll(body(uid, 2n)));
    expect(Buffer.from(reply.remoteConfig!.configHash!).toString()).toBe('new');
    expect(hasCapability(reply.flags, ServerToAgentFlags.ServerToAgentFlags_ReportFullState)).toBe(true);
    expect(toBigInt(reply.capabilities)).toBe(GATEWAY_SERVER_CAPABILITIES);
    const after = decoded(await poll(body(uid, 3n)));
    expect(after.remoteConfig).toBeNull();
  });

  it('never sends a reply over the size limit: oversized deliveries are dropped and counted', async () => {
    // wire-facts §7.15
    tg = await startTestGateway({ maxMessageBytes: 512 });
    const uid = newUid();
    await poll(body(uid, 1n, { agentDescription: describeAgent('h') }));
    const huge = { instanceUid: uid, remoteConfig: { configHash: Buffer.from('h'), config: { configMap: { '': { body: Buffer.alloc(600) } } } } };
    tg.deliver(uid, huge, DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG);
    await expect.poll(() => tg.metric('shepherd_gateway_deliveries_total', { outcome: 'held' })).toBe(1);
    const res = await poll(body(uid, 2n));
    expect(res.status).toBe(200);
    expect(res.body.length).toBeLessThanOrEqual(512);
    expect(decoded(res).remoteConfig).toBeNull();
    expect(await tg.metric('shepherd_gateway_drops_total', { reason: 'outgoing_too_large' })).toBe(1);
  });

  it('never merges what the agent cannot accept', async () => {
    // wire-facts §7.34, §7.46
    tg = await startTestGateway();
    const uid = newUid();
    const onlyStatus = toLong(BigInt(AC.AgentCapabilities_ReportsStatus));
    await poll(body(uid, 1n, { capabilities: onlyStatus, agentDescription: describeAgent('h') }));
    tg.deliver(uid, { instanceUid: uid, remoteConfig: { configHash: Buffer.from('h') } }, DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG);
    await expect.poll(() => tg.metric('shepherd_gateway_deliveries_total', { outcome: 'held' })).toBe(1);
    expect(decoded(await poll(body(uid, 2n, { capabilities: onlyStatus }))).remoteConfig).toBeNull();
    expect(await tg.metric('shepherd_gateway_drops_total', { reason: 'capability_gated' })).toBe(1);
  });

  it('asks for ReportFullState on a sequence gap between polls', async () => {
    // wire-facts §7.29
    tg = await startTestGateway();
    const uid = newUid();
    const flagOf = async (seq: bigint, extra = {}) =>
      hasCapability(decoded(await poll(body(uid, seq, extra))).flags, ServerToAgentFlags.ServerToAgentFlags_ReportFullState);
    expect(await flagOf(1n, { agentDescription: describeAgent('h') })).toBe(false);
    expect(await flagOf(2n)).toBe(false);
    expect(await flagOf(7n)).toBe(true);
  });

  it('marks the agent offline and releases its claim on agent_disconnect', async () => {
    // wire-facts §7.44
    tg = await startTestGateway();
    const uid = newUid();
    await poll(body(uid, 1n, { agentDescription: describeAgent('h') }));
    await expect.poll(() => tg.ownership.owner(uidToString(uid)).then((c) => c?.gatewayId)).toBe(tg.gateway.gatewayId);
    expect(tg.gateway.httpSessionCount()).toBe(1);
    expect((await poll(body(uid, 2n, { agentDisconnect: {} }))).status).toBe(200);
    const bye = await tg.events.connection((e) => e.kind === ConnectionEventKind.CONNECTION_EVENT_KIND_DISCONNECTED, 'disconnect');
    expect(bye.reason).toBe('agent_disconnect');
    expect(bye.transport).toBe(Transport.TRANSPORT_HTTP);
    await expect.poll(() => tg.ownership.owner(uidToString(uid))).toBeUndefined();
    expect(tg.gateway.httpSessionCount()).toBe(0);
  });

  it('lets a silent HTTP agent expire: disconnect event and released claim', async () => {
    // wire-facts §7.44 (server policy: missed polls)
    tg = await startTestGateway({ httpIdleMs: 100 });
    const uid = newUid();
    await poll(body(uid, 1n, { agentDescription: describeAgent('h') }));
    const idle = await tg.events.connection((e) => e.reason === 'idle', 'idle expiry');
    expect(uidToString(idle.instanceUid)).toBe(uidToString(uid));
    await expect.poll(() => tg.ownership.owner(uidToString(uid))).toBeUndefined();
  });

  it('answers 429 with Retry-After to a report that must be published while bus publishes are backed up, and a plain heartbeat as usual', async () => {
    // wire-facts §7.38
    const { held, release } = publishGate();
    tg = await startTestGateway({ maxInFlightPublishes: 2, retryAfterSeconds: 3, busOptions: { beforeStore: () => held } });
    const uid = newUid();
    expect((await poll(body(uid, 1n, { agentDescription: describeAgent('h') }))).status).toBe(200);
    const refused = await poll(body(uid, 2n, { health: { healthy: false, lastError: 'exporter down' } }));
    expect(refused.status).toBe(429);
    expect(retryAfter(refused.headers)).toBeGreaterThanOrEqual(3);
    // Nothing but liveness: answered, its publish deferred, and no sequence gap for the agent.
    const heartbeat = await poll(body(uid, 3n));
    expect(heartbeat.status).toBe(200);
    expect(await tg.metric('shepherd_gateway_protocol_events_total', { event: 'heartbeat_deferred' })).toBe(1);
    const newcomer = await poll(body(newUid(), 1n));
    expect(newcomer.status).toBe(429);
    release();
    await expect.poll(async () => (await poll(body(uid, 4n, { health: { healthy: false, lastError: 'exporter down' } }))).status).toBe(200);
  });
});
