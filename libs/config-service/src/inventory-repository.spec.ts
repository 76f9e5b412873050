import { ConnectionEventKind, decodeAgentConnectionEvent, RemoteConfigStatuses, toLong, Transport } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import {
  FULL_CAPABILITIES,
  connectionEventBytes,
  decodedMessage,
  description,
  newAgent,
  seq,
} from './agent-fixtures.test-helpers.js';
import { ConfigServiceOptionsError } from './errors.js';
import { createInventoryRepository } from './inventory-repository.js';
import { createLivenessWriter } from './liveness-writer.js';
import { ENGINES, countingStore, useTestDatabase } from './test-database.test-helpers.js';

const T0 = Date.parse('2030-01-01T00:00:00Z');

describe.each(ENGINES)('inventory repository on %s', (engine) => {
  const db = useTestDatabase(engine);

  it('refuses a cache size or last-seen interval that is not a sensible integer', () => {
    expect(() => createInventoryRepository({ store: db.store, cacheSize: 0 })).toThrow(ConfigServiceOptionsError);
    expect(() => createInventoryRepository({ store: db.store, cacheSize: 2.5 })).toThrow(ConfigServiceOptionsError);
    expect(() => createInventoryRepository({ store: db.store, lastSeenIntervalMs: -1 })).toThrow(ConfigServiceOptionsError);
  });

  const row = async (uid: string) => {
    const { rows } = await db.store.query('SELECT * FROM agents WHERE instance_uid = $1', [uid]);
    return rows[0];
  };

  it('creates the agent: attribute string maps, merged labels, capabilities, health, effective config, connection', async () => {
    const repo = createInventoryRepository({ store: db.store });
    const agent = newAgent();
    const { envelope, message } = decodedMessage(
      {
        instanceUid: agent.bytes,
        sequenceNum: seq(1),
        capabilities: FULL_CAPABILITIES,
        agentDescription: {
          identifyingAttributes: [
            { key: 'service.name', value: { stringValue: 'otelcol' } },
            { key: 'env', value: { stringValue: 'prod' } },
          ],
          nonIdentifyingAttributes: [
            { key: 'env', value: { stringValue: 'ignored-by-identifying' } },
            { key: 'cores', value: { doubleValue: 8 } },
            { key: 'spot', value: { boolValue: true } },
          ],
        },
        health: { healthy: false, status: 'degraded', lastError: 'exporter down', componentHealthMap: { 'exporter/otlp': { healthy: false, lastError: 'refused' } } },
        effectiveConfig: { configMap: { configMap: { '': { body: Buffer.from('receivers: {}\n'), contentType: 'text/yaml' } } } },
        remoteConfigStatus: { lastRemoteConfigHash: Buffer.alloc(32, 1), status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED },
      },
      { receivedAtMs: T0, tenantId: 'acme', gatewayId: 'gw-7', transport: Transport.TRANSPORT_HTTP },
    );
    const snapshot = await repo.recordMessage(envelope, message);
    expect(snapshot).toMatchObject({ instanceUid: agent.uid, tenantId: 'acme', described: true, connected: true, gatewayId: 'gw-7', transport: 'http' });
    expect(snapshot.capabilities).toBe(0x1807n);
    const stored = await row(agent.uid);
    expect(stored).toMatchObject({
      tenant_id: 'acme',
      identifying: { 'service.name': 'otelcol', env: 'prod' },
      non_identifying: { env: 'ignored-by-identifying', cores: '8', spot: 'true' },
      labels: { 'service.name': 'otelcol', env: 'prod', cores: '8', spot: 'true' },
      described: true,
      capabilities: 0x1807n,
      sequence_num: 1n,
      connected: true,
      gateway_id: 'gw-7',
      transport: 'http',
      last_seen_at: new Date(T0),
      health: { healthy: false, status: 'degraded', lastError: 'exporter down', components: { 'exporter/otlp': { healthy: false, status: '', lastError: 'refused' } } },
      effective_config: { files: { '': { contentType: 'text/yaml', body: 'receivers: {}\n', encoding: 'utf8' } } },
      remote_config_status: { lastRemoteConfigHash: '01'.repeat(32), status: 'APPLIED', errorMessage: '' },
    });
  });

  it('writes nothing for an unchanged heartbeat and queues a last_seen_at refresh at most every 30 s', async () => {
    const counting = countingStore(db.store);
    const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    const liveness = createLivenessWriter({ store: counting.store, logger: quiet, flushIntervalMs: 3_600_000 });
    const repo = createInventoryRepository({ store: counting.store, liveness });
    const agent = newAgent();
    const beat = (n: number, atMs: number) =>
      decodedMessage({ instanceUid: agent.bytes, sequenceNum: seq(n), capabilities: FULL_CAPABILITIES, ...(n === 1 ? { agentDescription: description({ env: 'prod' }) } : {}) }, { receivedAtMs: atMs });
    const first = beat(1, T0);
    await repo.recordMessage(first.envelope, first.message);
    expect(counting.writes()).toBe(1);
    counting.reset();

    for (const [n, at] of [[2, T0 + 10_000], [3, T0 + 29_999]] as const) {
      const next = beat(n, at);
      await repo.recordMessage(next.envelope, next.message);
    }
    expect(counting.statements).toEqual([]);

    const late = beat(4, T0 + 30_000);
    await repo.recordMessage(late.envelope, late.message);
    expect(counting.statements).toEqual([]);
    expect(liveness.pending).toBe(1);
    await liveness.stop();
    expect(counting.writes()).toBe(1);
    expect(await row(agent.uid)).toMatchObject({ last_seen_at: new Date(T0 + 30_000), sequence_num: 4n, labels: { env: 'prod' } });
  });

  it('writes a health state change at once, while changed metrics alone ride on the 30 s last-seen write (no liveness writer: written at once)', async () => {
    const counting = countingStore(db.store);
    const repo = createInventoryRepository({ store: counting.store });
    const agent = newAgent();
    const report = async (n: number, atMs: number, healthy: boolean, cpu: number) => {
      const attributes = [
        { key: 'cpu_usage_percent', value: { doubleValue: cpu } },
        { key: 'memory_usage_bytes', value: { intValue: toLong(52_428_800n) } },
        { key: 'not-a-number', value: { stringValue: 'x' } },
      ];
      const { envelope, message } = decodedMessage(
        { instanceUid: agent.bytes, sequenceNum: seq(n), capabilities: FULL_CAPABILITIES, health: { healthy, status: healthy ? 'running' : 'unhealthy', attributes } },
        { receivedAtMs: atMs },
      );
      await repo.recordMessage(envelope, message);
    };
    await report(1, T0, true, 1.5);
    expect((await row(agent.uid))?.['health']).toMatchObject({ healthy: true, metrics: { cpu_usage_percent: 1.5, memory_usage_bytes: 52_428_800 } });
    expect((await row(agent.uid))?.['health']).not.toHaveProperty('metrics.not-a-number');
    counting.reset();

    await report(2, T0 + 10_000, true, 7.25);
    expect(counting.writes()).toBe(0);
    await report(3, T0 + 20_000, false, 9);
    expect(counting.writes()).toBe(1);
    expect((await row(agent.uid))?.['health']).toMatchObject({ healthy: false, status: 'unhealthy', metrics: { cpu_usage_percent: 9 } });
    counting.reset();

    await report(4, T0 + 25_000, false, 12);
    expect(counting.writes()).toBe(0);
    await report(5, T0 + 50_001, false, 12);
    expect(counting.writes()).toBe(1);
    expect((await row(agent.uid))?.['health']).toHaveProperty('metrics', { cpu_usage_percent: 12, memory_usage_bytes: 52_428_800 });
  });

  it('after a restart (empty cache) reads the row once and still writes nothing for an unchanged report', async () => {
    const agent = newAgent();
    const report = (n: number) =>
      decodedMessage(
        { instanceUid: agent.bytes, sequenceNum: seq(n), capabilities: FULL_CAPABILITIES, agentDescription: description({ env: 'prod' }), health: { healthy: true, status: 'ok' } },
        { receivedAtMs: T0 + n },
      );
    const first = report(1);
    await createInventoryRepository({ store: db.store }).recordMessage(first.envelope, first.message);
    const counting = countingStore(db.store);
    const restarted = createInventoryRepository({ store: counting.store });
    const again = report(2);
    await restarted.recordMessage(again.envelope, again.message);
    await restarted.recordMessage(again.envelope, again.message);
    expect(counting.writes()).toBe(0);
    expect(counting.statements).toHaveLength(1);
  });

  it('keeps what an absent sub-message would have said, and writes a changed description', async () => {
    const repo = createInventoryRepository({ store: db.store });
    const agent = newAgent();
    const first = decodedMessage(
      { instanceUid: agent.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description({ env: 'test' }), health: { healthy: true } },
      { receivedAtMs: T0 },
    );
    await repo.recordMessage(first.envelope, first.message);
    const changed = decodedMessage(
      { instanceUid: agent.bytes, sequenceNum: seq(2), capabilities: FULL_CAPABILITIES, agentDescription: description({ env: 'prod', region: 'eu' }) },
      { receivedAtMs: T0 + 1 },
    );
    await repo.recordMessage(changed.envelope, changed.message);
    expect(await row(agent.uid)).toMatchObject({ labels: { 'service.name': 'otelcol', env: 'prod', region: 'eu' }, health: { healthy: true }, sequence_num: 2n });
  });

  it('an agent first seen without a description is stored undescribed', async () => {
    const repo = createInventoryRepository({ store: db.store });
    const agent = newAgent();
    const { envelope, message } = decodedMessage({ instanceUid: agent.bytes, sequenceNum: seq(9), capabilities: FULL_CAPABILITIES }, { receivedAtMs: T0, tenantId: '' });
    expect(await repo.recordMessage(envelope, message)).toMatchObject({ described: false, tenantId: 'default' });
    expect(await row(agent.uid)).toMatchObject({ described: false, labels: {}, tenant_id: 'default' });
  });

  it('agent_disconnect marks the agent offline', async () => {
    const repo = createInventoryRepository({ store: db.store });
    const agent = newAgent();
    const hello = decodedMessage({ instanceUid: agent.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description({}) }, { receivedAtMs: T0 });
    await repo.recordMessage(hello.envelope, hello.message);
    const bye = decodedMessage({ instanceUid: agent.bytes, sequenceNum: seq(2), capabilities: FULL_CAPABILITIES, agentDisconnect: {} }, { receivedAtMs: T0 + 1 });
    expect(await repo.recordMessage(bye.envelope, bye.message)).toMatchObject({ connected: false });
    expect(await row(agent.uid)).toMatchObject({ connected: false });
  });

  it('connection events set connected, gateway and transport; a late disconnect from the previous gateway is ignored', async () => {
    const counting = countingStore(db.store);
    const repo = createInventoryRepository({ store: counting.store });
    const agent = newAgent();
    const event = (kind: ConnectionEventKind, gatewayId: string, atMs: number) =>
      decodeAgentConnectionEvent(connectionEventBytes(agent.bytes, kind, { gatewayId, atMs, tenantId: 'acme' }));
    const { CONNECTION_EVENT_KIND_CONNECTED: CONNECTED, CONNECTION_EVENT_KIND_DISCONNECTED: DISCONNECTED } = ConnectionEventKind;

    expect(await repo.recordConnection(event(CONNECTED, 'gw-a', T0))).toMatchObject({ connected: true, gatewayId: 'gw-a', transport: 'websocket', tenantId: 'acme' });
    expect(await row(agent.uid)).toMatchObject({ connected: true, gateway_id: 'gw-a', transport: 'websocket', tenant_id: 'acme' });
    await repo.recordConnection(event(CONNECTED, 'gw-b', T0 + 1));
    counting.reset();
    expect(await repo.recordConnection(event(DISCONNECTED, 'gw-a', T0 + 2))).toMatchObject({ connected: true, gatewayId: 'gw-b' });
    expect(counting.writes()).toBe(0);
    await repo.recordConnection(event(DISCONNECTED, 'gw-b', T0 + 3));
    expect(await row(agent.uid)).toMatchObject({ connected: false, gateway_id: 'gw-b' });
  });

  it('a disconnect of an unknown agent creates nothing', async () => {
    const repo = createInventoryRepository({ store: db.store });
    const agent = newAgent();
    const bye = decodeAgentConnectionEvent(connectionEventBytes(agent.bytes, ConnectionEventKind.CONNECTION_EVENT_KIND_DISCONNECTED, { atMs: T0 }));
    expect(await repo.recordConnection(bye)).toBeUndefined();
    expect(await row(agent.uid)).toBeUndefined();
  });

  it('stores a sequence number beyond int8 as null instead of failing', async () => {
    const repo = createInventoryRepository({ store: db.store });
    const agent = newAgent();
    const { envelope, message } = decodedMessage({ instanceUid: agent.bytes, sequenceNum: toLong(2n ** 64n - 1n), capabilities: FULL_CAPABILITIES }, { receivedAtMs: T0 });
    await repo.recordMessage(envelope, message);
    expect(await row(agent.uid)).toMatchObject({ sequence_num: null });
  });
});
