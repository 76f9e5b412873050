import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AgentCapabilities as AC,
  RemoteConfigStatuses as RCS,
  ServerErrorResponseType,
  ServerToAgentFlags,
  newInstanceUid,
  toBigInt,
  toLong,
  toMask,
  uidToString,
  type AgentToServer,
} from '@shepherd/proto';
import { FakeAgent, startFakeAgent } from './fake-agent.js';
import type { FakeAgentOptions } from './fake-agent-options.js';
import { startTinyResponder, type TinyResponder } from './tiny-responder.test-helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function responder(opts: { token?: string } = {}): Promise<TinyResponder> {
  const r = await startTinyResponder(opts);
  cleanups.push(() => r.close());
  return r;
}

async function agentFor(options: FakeAgentOptions): Promise<FakeAgent> {
  const agent = await startFakeAgent(options);
  cleanups.push(() => agent.stop());
  return agent;
}

/** A URL nobody listens on: a port that was just free. */
async function deadUrl(scheme: string): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `${scheme}://127.0.0.1:${port}/v1/opamp`;
}

const seq = (m: AgentToServer): bigint => toBigInt(m.sequenceNum);
const statusesOf = (r: TinyResponder) =>
  r.received.filter((x) => x.message.remoteConfigStatus).map((x) => [x.message.remoteConfigStatus!.status, Buffer.from(x.message.remoteConfigStatus!.lastRemoteConfigHash!).toString('hex')]);

describe.each(['websocket', 'http'] as const)('FakeAgent over %s', (transport) => {
  const base = (r: TinyResponder): FakeAgentOptions => ({
    endpoint: transport === 'websocket' ? r.wsUrl : r.httpUrl,
    transport,
    heartbeatMs: 40,
    pollMs: 40,
    description: { identifying: { 'service.name': 'otelcol' }, nonIdentifying: { env: 'test' } },
  });

  it('sends the full state first with sequence 0, then compressed heartbeats counting up', async () => {
    const r = await responder();
    const agent = await agentFor(base(r));
    await agent.waitFor(() => r.received.length >= 3);
    const [first, second, third] = r.received.map((x) => x.message);
    expect(seq(first!)).toBe(0n);
    expect(uidToString(first!.instanceUid)).toBe(agent.instanceUid);
    expect(first!.agentDescription!.identifyingAttributes).toEqual([expect.objectContaining({ key: 'service.name', value: expect.objectContaining({ stringValue: 'otelcol' }) })]);
    expect(first!.health!.healthy).toBe(true);
    expect(first!.effectiveConfig).toBeTruthy();
    expect(first!.remoteConfigStatus!.status).toBe(RCS.RemoteConfigStatuses_UNSET);
    expect(toBigInt(first!.capabilities)).toBe(toBigInt(toMask(AC.AgentCapabilities_ReportsStatus, AC.AgentCapabilities_AcceptsRemoteConfig, AC.AgentCapabilities_ReportsRemoteConfig, AC.AgentCapabilities_ReportsEffectiveConfig, AC.AgentCapabilities_ReportsHealth, AC.AgentCapabilities_ReportsHeartbeat)));
    for (const [i, m] of [second!, third!].entries()) {
      expect(seq(m)).toBe(BigInt(i + 1));
      expect(m.agentDescription).toBeNull();
      expect(m.remoteConfigStatus).toBeNull();
      expect(toBigInt(m.capabilities)).toBe(toBigInt(first!.capabilities));
    }
    expect(agent.violations).toEqual([]);
  });

  it('presents its bearer token and reports a 401 as a connect error', async () => {
    const r = await responder({ token: 'secret-token-123456' });
    const agent = await agentFor({ ...base(r), token: 'secret-token-123456' });
    expect(r.received[0]!.headers.authorization).toBe('Bearer secret-token-123456');
    if (transport === 'http') expect(r.received[0]!.headers['opamp-instance-uid']).toBe(agent.instanceUid);
    const refused = new FakeAgent({ ...base(r), token: 'wrong-token-000000' }).start();
    cleanups.push(() => refused.stop());
    const error = await refused.waitFor((a) => a.connectErrors[0]);
    expect(error.status).toBe(401);
    expect(refused.connected).toBe(false);
  });

  it('applies an offered config: APPLYING, then APPLIED with the hash and the effective config', async () => {
    const r = await responder();
    const hash = r.offer({ 'collector.yaml': 'receivers: {}\n' });
    const outcomes: string[] = [];
    const agent = new FakeAgent(base(r));
    cleanups.push(() => agent.stop());
    agent.on('remoteConfig', (o) => outcomes.push(`${o.status}:${o.hash}`));
    agent.start();
    await agent.waitFor((a) => a.appliedHashes.includes(hash));
    await agent.waitFor(() => r.received.some((x) => x.message.effectiveConfig?.configMap?.configMap?.['collector.yaml']));
    expect(statusesOf(r).slice(0, 3)).toEqual([
      [RCS.RemoteConfigStatuses_UNSET, ''],
      [RCS.RemoteConfigStatuses_APPLYING, hash],
      [RCS.RemoteConfigStatuses_APPLIED, hash],
    ]);
    const applied = r.received.find((x) => x.message.remoteConfigStatus?.status === RCS.RemoteConfigStatuses_APPLIED)!.message;
    expect(Buffer.from(applied.effectiveConfig!.configMap!.configMap!['collector.yaml']!.body!).toString()).toBe('receivers: {}\n');
    expect(agent.currentConfig['collector.yaml']!.body.toString()).toBe('receivers: {}\n');
    expect(agent.remoteConfigStatus).toEqual({ hash, status: 'APPLIED', errorMessage: '' });
    expect(outcomes).toEqual([`APPLIED:${hash}`]);
  });

  it('reports FAILED with the thrown message and keeps the config it had', async () => {
    const r = await responder();
    const hash = r.offer({ 'collector.yaml': 'bad: [' });
    const agent = await agentFor({ ...base(r), applyConfig: () => Promise.reject(new Error('yaml: line 1: did not find expected node')) });
    await agent.waitFor(() => r.received.some((x) => x.message.remoteConfigStatus?.status === RCS.RemoteConfigStatuses_FAILED));
    const failed = r.received.find((x) => x.message.remoteConfigStatus?.status === RCS.RemoteConfigStatuses_FAILED)!.message.remoteConfigStatus!;
    expect(Buffer.from(failed.lastRemoteConfigHash!).toString('hex')).toBe(hash);
    expect(failed.errorMessage).toBe('yaml: line 1: did not find expected node');
    expect(agent.currentConfig).toEqual({});
    expect(agent.appliedHashes).toEqual([]);
  });

  it('sends a full report when the server sets ReportFullState', async () => {
    const r = await responder();
    r.scriptNextReply((m, ack) => ({ ...ack, flags: toMask(ServerToAgentFlags.ServerToAgentFlags_ReportFullState) }));
    const agent = await agentFor(base(r));
    await agent.waitFor(() => r.received.filter((x) => x.message.agentDescription).length >= 2);
    const full = r.received.filter((x) => x.message.agentDescription).map((x) => seq(x.message));
    expect(full).toEqual([0n, 1n]);
    expect(r.received[1]!.message.health).toBeTruthy();
  });

  it('switches to new_instance_uid when told', async () => {
    const r = await responder();
    const assigned = newInstanceUid();
    r.scriptNextReply((m, ack) => ({ ...ack, agentIdentification: { newInstanceUid: assigned } }));
    const agent = await agentFor(base(r));
    await agent.waitFor(() => r.received.some((x) => uidToString(x.message.instanceUid) === uidToString(assigned)));
    expect(agent.instanceUid).toBe(uidToString(assigned));
    expect(agent.violations).toEqual([]);
  });

  it('honours Unavailable: waits retry_after (capped for tests) and reconnects', async () => {
    const r = await responder();
    const agent = await agentFor({ ...base(r), maxRetryAfterMs: 150 });
    const before = r.received.length;
    r.scriptNextReply((m) => ({
      instanceUid: m.instanceUid,
      errorResponse: { type: ServerErrorResponseType.ServerErrorResponseType_Unavailable, errorMessage: 'busy', retryInfo: { retryAfterNanoseconds: toLong(60_000_000_000n) } },
    }));
    const refusedAt = await agent.waitFor(() => (r.received.length > before ? Date.now() : undefined));
    await agent.waitFor((a) => !a.connected, { description: 'the agent to back off' });
    await agent.waitFor((a) => a.connected, { description: 'the agent to come back' });
    expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(140);
    await agent.waitFor(() => r.received.length >= before + 3);
    if (transport === 'websocket') {
      const refused = r.received[before]!.message;
      expect(r.received[before + 1]!.message.agentDisconnect).toBeTruthy();
      expect(seq(r.received[before + 2]!.message)).toBe(seq(refused) + 2n);
      expect(r.received[before + 2]!.message.agentDescription).toBeTruthy();
    }
  });

  it('fails over to the next endpoint when the first is down', async () => {
    const r = await responder();
    const dead = await deadUrl(transport === 'websocket' ? 'ws' : 'http');
    const agent = await agentFor({ ...base(r), endpoint: [dead, transport === 'websocket' ? r.wsUrl : r.httpUrl] });
    expect(agent.endpoint).toBe(transport === 'websocket' ? r.wsUrl : r.httpUrl);
    expect(agent.connectErrors.map((e) => e.endpoint)).toContain(dead);
  });

  it('sends agent_disconnect on stop', async () => {
    const r = await responder();
    const agent = await agentFor(base(r));
    await agent.stop();
    expect(r.received.at(-1)!.message.agentDisconnect).toBeTruthy();
    expect(agent.connected).toBe(false);
    const count = r.received.length;
    // Proving that nothing more is sent needs a wait: three heartbeat/poll intervals.
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(r.received.length).toBe(count);
  });

  it('records the protocol rules the server breaks', async () => {
    const r = await responder();
    r.scriptNextReply((m) => ({ instanceUid: m.instanceUid }));
    r.scriptNextReply((_m, ack) => ({ ...ack, instanceUid: newInstanceUid() }));
    r.scriptNextReply((_m, ack) => ({ ...ack, remoteConfig: { config: { configMap: {} }, configHash: new Uint8Array(32) } }));
    const agent = await agentFor({ ...base(r), capabilities: toMask(AC.AgentCapabilities_ReportsStatus, AC.AgentCapabilities_ReportsHeartbeat) });
    await agent.waitFor((a) => a.violations.length >= 3);
    expect(agent.violations).toEqual([
      'reply capabilities lack AcceptsStatus',
      expect.stringMatching(/^reply instance_uid [0-9a-f-]{36} is not this agent's; ignored$/),
      'remote_config sent to an agent without AcceptsRemoteConfig',
    ]);
  });
});

describe('FakeAgent over websocket only', () => {
  it('applies a config pushed over the open socket at once', async () => {
    const r = await responder();
    const agent = await agentFor({ endpoint: r.wsUrl, transport: 'websocket', heartbeatMs: 0 });
    const count = r.received.length;
    const hash = r.offer({ 'collector.yaml': 'exporters: {}' });
    await agent.waitFor((a) => a.appliedHashes[0] === hash);
    await agent.waitFor(() => r.received.length >= count + 2);
    expect(statusesOf(r).slice(1)).toEqual([
      [RCS.RemoteConfigStatuses_APPLYING, hash],
      [RCS.RemoteConfigStatuses_APPLIED, hash],
    ]);
  });

  it('reconnects after the server closes the socket and reports the full state again', async () => {
    const r = await responder();
    const agent = await agentFor({ endpoint: r.wsUrl, transport: 'websocket', heartbeatMs: 0, reconnect: { minMs: 10 } });
    const disconnected = new Promise((resolve) => agent.once('disconnected', resolve));
    r.dropConnections();
    expect(await disconnected).toMatchObject({ code: 1001, endpoint: r.wsUrl });
    await agent.waitFor(() => r.received.length >= 2);
    expect(seq(r.received[1]!.message)).toBe(1n);
    expect(r.received[1]!.message.agentDescription).toBeTruthy();
  });

  it('with compressOnReconnect sends only what changed after a reconnect', async () => {
    const r = await responder();
    const agent = await agentFor({ endpoint: r.wsUrl, transport: 'websocket', heartbeatMs: 0, reconnect: { minMs: 10 }, compressOnReconnect: true });
    r.dropConnections();
    await agent.waitFor(() => r.received.length >= 2);
    expect(r.received[1]!.message.agentDescription).toBeNull();
    expect(r.received[1]!.message.health).toBeNull();
  });
});

describe('FakeAgent over http only', () => {
  it('gzips its requests and reads gzipped replies when asked to', async () => {
    const r = await responder();
    const agent = await agentFor({ endpoint: r.httpUrl, transport: 'http', pollMs: 1000, gzip: true });
    expect(r.received[0]!.headers['content-encoding']).toBe('gzip');
    expect(agent.receivedCount).toBe(1);
    expect(agent.violations).toEqual([]);
  });

  it('polls with an instance_uid-only message when idle', async () => {
    const r = await responder();
    const agent = await agentFor({ endpoint: r.httpUrl, transport: 'http', pollMs: 30, capabilities: toMask(AC.AgentCapabilities_ReportsStatus) });
    await agent.waitFor(() => r.received.length >= 3);
    expect(r.received.slice(1, 3).map((x) => [seq(x.message), x.message.agentDescription])).toEqual([
      [1n, null],
      [2n, null],
    ]);
  });
});

describe('FakeAgent options and waitFor', () => {
  it('refuses an unknown transport, an empty endpoint list and a non-URL', () => {
    expect(() => new FakeAgent({ endpoint: 'ws://x', transport: 'grpc' as 'http' })).toThrow(TypeError);
    expect(() => new FakeAgent({ endpoint: [], transport: 'http' })).toThrow(/at least one URL/);
    expect(() => new FakeAgent({ endpoint: 'localhost:4320', transport: 'http' })).toThrow(/not a ws\(s\):\/\/ or http\(s\):\/\/ URL/);
    expect(() => new FakeAgent({ endpoint: 'ws://x', transport: 'websocket', instanceUid: new Uint8Array(3) })).toThrow(/16 bytes/);
  });

  it('waitFor names what it waited for when it gives up', async () => {
    const agent = new FakeAgent({ endpoint: 'ws://127.0.0.1:9', transport: 'websocket' });
    await expect(agent.waitFor((a) => a.connected, { timeoutMs: 20, description: 'a miracle' })).rejects.toThrow(
      `FakeAgent ${agent.instanceUid}: timed out after 20 ms waiting for a miracle`,
    );
  });
});
