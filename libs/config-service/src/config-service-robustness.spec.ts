import { createInProcessBus, createTopology } from '@shepherd/bus';
import { createMemoryOwnership } from '@shepherd/ownership';
import { DeliveryKind, encodeAgentMessageEnvelope, ServerToAgentFlags, toBigInt, Transport } from '@shepherd/proto';
import { Registry } from '@shepherd/runtime';
import type { SqlStore } from '@shepherd/store';
import { waitFor } from '@shepherd/testing';
import { describe, expect, it } from 'vitest';
import { FULL_CAPABILITIES, description, envelopeBytes, newAgent, seq } from './agent-fixtures.test-helpers.js';
import { startConfigService } from './config-service.js';
import { ConfigServiceOptionsError } from './errors.js';
import { parseSelector } from './selector.js';
import { useServiceHarness } from './service-harness.test-helpers.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe.each(ENGINES)('config service robustness on %s', (engine) => {
  const db = useTestDatabase(engine);

  describe('with a healthy store', () => {
    const h = useServiceHarness(db);

    it('acks and logs a malformed envelope once, never redelivering it, and goes on with the next message', async () => {
      await h.bus.publish(h.topology.subjects.agentMessage, Uint8Array.from([0xff, 0xff, 0xff]));
      const bad = encodeAgentMessageEnvelope({ gatewayId: 'gw-test', instanceUid: new Uint8Array(16), agentToServer: Uint8Array.from([0x0a, 0x05, 0x01]), transport: Transport.TRANSPORT_WEBSOCKET });
      await h.bus.publish(h.topology.subjects.agentMessage, bad);
      await h.bus.publish(h.topology.subjects.agentConnection, Uint8Array.from([0x08]));
      await h.bus.publish(h.topology.subjects.configChanged, Buffer.from('{"v":9}'));
      const agent = newAgent();
      await h.report({ instanceUid: agent.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description({}) });
      await waitFor(() => h.logs.filter((line) => line.level === 'warn').length >= 4, { description: 'four malformed-message warnings' });

      const warnings = h.logs.filter((line) => line.level === 'warn');
      expect(warnings.map((line) => line.msg).sort()).toEqual([
        'malformed agent-message acked without processing',
        'malformed agent-message acked without processing',
        'malformed config event acked without processing',
        'malformed connection-event acked without processing',
      ]);
      expect(warnings.every((line) => typeof (line.obj['err'] as { message?: unknown }).message === 'string')).toBe(true);
      // The service is still consuming: a later message of the same stream is processed after them.
      await h.report({ instanceUid: agent.bytes, sequenceNum: seq(2), capabilities: FULL_CAPABILITIES });
      expect(h.logs.filter((line) => line.level === 'warn')).toHaveLength(4);
      // Acked, not naked: the bus logs every handler failure it will redeliver.
      expect(h.busLogs).toEqual([]);
      expect((await db.store.query('SELECT 1 FROM agents WHERE instance_uid = $1', [agent.uid])).rowCount).toBe(1);
    });

    it('asks an agent it has no description for to report its full state once per resend window', async () => {
      await h.createConfig({ selector: parseSelector('env=test') });
      const agent = newAgent();
      await h.ownership.claim(agent.uid, h.gatewayId, 60_000);
      await h.report({ instanceUid: agent.bytes, sequenceNum: seq(5), capabilities: FULL_CAPABILITIES });
      await h.report({ instanceUid: agent.bytes, sequenceNum: seq(6), capabilities: FULL_CAPABILITIES });
      const deliveries = await h.takeDeliveries();
      expect(deliveries.map((seen) => seen.delivery.kind)).toEqual([DeliveryKind.DELIVERY_KIND_FLAGS]);
      expect(toBigInt(deliveries[0]!.serverToAgent.flags)).toBe(BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState));
      expect(deliveries[0]!.serverToAgent.remoteConfig).toBeNull();

      await h.report({ instanceUid: agent.bytes, sequenceNum: seq(7), capabilities: FULL_CAPABILITIES, agentDescription: description({ env: 'test' }) });
      expect((await h.takeDeliveries()).map((seen) => seen.delivery.kind)).toEqual([DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG]);
    });

    it('stop() is idempotent, finishes its work and leaves later messages to the next consumer of the durable', async () => {
      const stoppedRegistry = new Registry();
      const standalone = { bus: h.bus, store: db.store, ownership: h.ownership, topology: h.topology, logger: silent, resendAfterMs: 1000, fanoutBatch: 10 };
      const first = await startConfigService({ ...standalone, metrics: stoppedRegistry });
      await h.stop();
      await Promise.all([first.stop(), first.stop()]);
      const agent = newAgent();
      await h.bus.publish(h.topology.subjects.agentMessage, envelopeBytes({ instanceUid: agent.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES }, { receivedAtMs: h.clock }));
      const second = await startConfigService(standalone);
      try {
        await waitFor(async () => (await db.store.query('SELECT 1 FROM agents WHERE instance_uid = $1', [agent.uid])).rowCount === 1, {
          description: 'the next consumer to process the message',
        });
      } finally {
        await second.stop();
      }
      const handledByStopped = await stoppedRegistry.getSingleMetric('shepherd_config_reconciliations_total')?.get();
      expect(handledByStopped?.values ?? []).toEqual([]);
    });
  });

  describe('with a store that fails once', () => {
    let failures = 0;
    const h = useServiceHarness(db, {
      store: () => failOnce(db.store, () => (failures += 1)),
    });

    it('naks the message on a store error and processes it when it is redelivered', async () => {
      const agent = newAgent();
      const started = Date.now();
      await h.bus.publish(
        h.topology.subjects.agentMessage,
        envelopeBytes(
          { instanceUid: agent.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description({ env: 'x' }) },
          { receivedAtMs: h.clock, gatewayId: 'gw-test' },
        ),
      );
      await waitFor(async () => (await db.store.query('SELECT 1 FROM agents WHERE instance_uid = $1', [agent.uid])).rowCount === 1, {
        timeoutMs: 10_000,
        description: 'the redelivered message to be stored',
      });
      expect(failures).toBe(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    });
  });
});

describe('startConfigService options', () => {
  it.each([
    [{ fanoutBatch: 0 }, /fanoutBatch must be an integer in 1..100000, got 0/],
    [{ resendAfterMs: 1.5 }, /resendAfterMs/],
    [{ maxInFlight: 0 }, /maxInFlight/],
    [{ logger: undefined }, /logger is required/],
  ])('refuses %j', async (override, message) => {
    const bus = createInProcessBus();
    const ownership = createMemoryOwnership();
    const options = { bus, store: {} as SqlStore, ownership, topology: createTopology(), logger: silent, resendAfterMs: 1000, fanoutBatch: 10, ...override };
    await expect(startConfigService(options as never)).rejects.toThrow(ConfigServiceOptionsError);
    await expect(startConfigService(options as never)).rejects.toThrow(message);
    await bus.close();
    await ownership.close();
  });
});

/** `inner`, except that the first INSERT into agents throws. */
function failOnce(inner: SqlStore, onFailure: () => void): SqlStore {
  let failed = false;
  return {
    query: (sql, params) => {
      if (!failed && /^\s*INSERT INTO agents/.test(sql)) {
        failed = true;
        onFailure();
        return Promise.reject(new Error('injected store failure'));
      }
      return inner.query(sql, params);
    },
    transaction: (fn, opts) => inner.transaction(fn, opts),
    migrate: (dir) => inner.migrate(dir),
    close: () => inner.close(),
    dialect: inner.dialect,
  } as SqlStore;
}
