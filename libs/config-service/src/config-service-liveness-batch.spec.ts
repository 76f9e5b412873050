import { ConnectionEventKind, DeliveryKind, type IAgentToServer } from '@shepherd/proto';
import { Registry } from '@shepherd/runtime';
import { waitFor } from '@shepherd/testing';
import { describe, expect, it } from 'vitest';
import { FULL_CAPABILITIES, connectionEventBytes, description, newAgent, seq } from './agent-fixtures.test-helpers.js';
import { parseSelector } from './selector.js';
import { holdingFanout, type HeldFanout } from './fanout-hold.test-helpers.js';
import { DEFAULT_FILES, useServiceHarness } from './service-harness.test-helpers.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

const RESEND_MS = 60_000;

/** Gateways' liveness batches (`<prefix>.agent.liveness`): plain heartbeats of many agents in one bus message. */
describe.each(ENGINES)('config service liveness batches on %s', (engine) => {
  const db = useTestDatabase(engine);
  const registry = new Registry();

  const row = async (uid: string) => {
    const { rows } = await db.store.query<{ last_seen_at: Date; sequence_num: bigint; connected: boolean }>(
      'SELECT last_seen_at, sequence_num, connected FROM agents WHERE instance_uid = $1',
      [uid],
    );
    return rows[0];
  };
  // The registry outlives each test: counts are taken as differences.
  const counts = async (name: string, label: string) => {
    const metric = await registry.getSingleMetric(name)?.get();
    return Object.fromEntries((metric?.values ?? []).map((v) => [String(v.labels[label]), v.value]));
  };
  const seenSince = async (before: Record<string, number>) => {
    const now = await counts('shepherd_config_liveness_seen_total', 'outcome');
    return Object.fromEntries(['current', 'deferred', 'elsewhere', 'unknown'].map((k) => [k, (now[k] ?? 0) - (before[k] ?? 0)]));
  };
  const seenNow = () => counts('shepherd_config_liveness_seen_total', 'outcome');

  describe('at any time', () => {
    const h = useServiceHarness(db, { metrics: registry, livenessFlushIntervalMs: 3_600_000, lastSeenIntervalMs: 10_000, resendAfterMs: RESEND_MS });
    const offers = async () => (await h.takeDeliveries()).filter((d) => d.delivery.kind === DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG);

    async function describedAgent(labels: Record<string, string> = { env: 'test' }) {
      const agent = newAgent();
      await h.ownership.claim(agent.uid, h.gatewayId, 600_000);
      await h.report({ instanceUid: agent.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description(labels) } satisfies IAgentToServer);
      return agent;
    }

    it("records each known agent's newest heartbeat as liveness and leaves unknown agents alone", async () => {
      const [a, b] = [await describedAgent(), await describedAgent()];
      const stranger = newAgent();
      const start = h.clock;
      const before = await seenNow();
      await h.liveness([
        { uid: a.bytes, seq: 7, atMs: start + 10_000 },
        { uid: b.bytes, seq: 3, atMs: start + 12_000 },
        { uid: stranger.bytes, seq: 1, atMs: start + 12_000 },
      ]);
      expect(await seenSince(before)).toEqual({ current: 2, deferred: 0, elsewhere: 0, unknown: 1 });
      // Queued on the liveness writer, written by its flush (here: on stop).
      expect(await row(a.uid)).toMatchObject({ last_seen_at: new Date(start), sequence_num: 1n });
      await h.stop();
      expect(await row(a.uid)).toEqual({ last_seen_at: new Date(start + 10_000), sequence_num: 7n, connected: true });
      expect(await row(b.uid)).toMatchObject({ last_seen_at: new Date(start + 12_000), sequence_num: 3n });
      expect(await row(stranger.uid)).toBeUndefined();
    });

    it('never brings a disconnected agent back online, whatever the order of the batch and the disconnect', async () => {
      const agent = await describedAgent();
      const start = h.clock;
      await h.bus.publish(h.topology.subjects.agentConnection, connectionEventBytes(agent.bytes, ConnectionEventKind.CONNECTION_EVENT_KIND_DISCONNECTED, { atMs: start + 1, gatewayId: h.gatewayId }));
      await expect.poll(async () => (await row(agent.uid))?.connected).toBe(false);
      // The gateway batched the agent's last heartbeat before it left; the batch arrives after the disconnect.
      const before = await seenNow();
      await h.liveness([{ uid: agent.bytes, seq: 2, atMs: start + 20_000 }]);
      expect(await seenSince(before)).toEqual({ current: 0, deferred: 0, elsewhere: 1, unknown: 0 });
      await h.stop();
      expect(await row(agent.uid)).toEqual({ last_seen_at: new Date(start + 20_000), sequence_num: 2n, connected: false });
      expect(await offers()).toEqual([]);
    });

    it('repeats an unconfirmed offer on a batched heartbeat once the resend window passed, as on a heartbeat of its own', async () => {
      const agent = await describedAgent();
      await h.createConfig({ selector: parseSelector('env=test') });
      expect(await offers()).toHaveLength(1);
      await h.liveness([{ uid: agent.bytes, seq: 2, atMs: h.clock }]);
      expect(await offers()).toEqual([]);
      h.clock += RESEND_MS + 1;
      await h.liveness([{ uid: agent.bytes, seq: 3, atMs: h.clock }]);
      const [again] = await offers();
      expect(Buffer.from(again!.delivery.instanceUid)).toEqual(Buffer.from(agent.bytes));
    });

    it('decides nothing for an agent that has moved to another gateway since', async () => {
      const agent = await describedAgent();
      await h.createConfig({ selector: parseSelector('env=test') });
      await offers();
      h.clock += RESEND_MS + 1;
      const before = await seenNow();
      await h.liveness([{ uid: agent.bytes, seq: 2, atMs: h.clock }], { gatewayId: 'gw-gone' });
      expect(await seenSince(before)).toEqual({ current: 0, deferred: 0, elsewhere: 1, unknown: 0 });
      expect(await offers()).toEqual([]);
    });

    it('acks a batch that does not decode, and skips entries without a usable uid while handling the rest', async () => {
      const agent = await describedAgent();
      const before = (await counts('shepherd_config_malformed_messages_total', 'kind'))['liveness-batch'] ?? 0;
      await h.bus.publish(h.topology.subjects.agentLiveness, Uint8Array.from([0x12, 0x05, 0x0a, 0x01]));
      await h.liveness([{ uid: new Uint8Array(3), seq: 1, atMs: h.clock }, { uid: agent.bytes, seq: 2, atMs: h.clock + 10_000 }], { expected: 1 });
      expect((await counts('shepherd_config_malformed_messages_total', 'kind'))['liveness-batch']).toBe(before + 2);
      expect(h.logs.filter((l) => l.level === 'warn' && /malformed liveness-batch/.test(l.msg))).toHaveLength(2);
      // Acked, not retried: the bus logged no failed handler.
      expect(h.busLogs.filter((l) => l.level !== 'info')).toEqual([]);
    });
  });

  describe('while a config change fans out', () => {
    let hold: HeldFanout;
    const held = useServiceHarness(db, {
      metrics: registry,
      store: () => (hold = holdingFanout(db.store)).store,
      resendAfterMs: RESEND_MS,
      fanoutEventConcurrency: 1,
    });

    it('records the heartbeats at once without deciding for them, and leaves the offers to the fan-out', async () => {
      const agent = newAgent();
      await held.ownership.claim(agent.uid, held.gatewayId, 600_000);
      await held.report({ instanceUid: agent.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description({ env: 'test' }) });
      await held.admin.createConfig({ tenantId: 'default', author: 'tester', files: DEFAULT_FILES, selector: parseSelector('env=test') });
      await waitFor(() => hold.blocked() > 0, { description: 'the fan-out to start listing' });
      held.clock += RESEND_MS + 1;
      const before = await seenNow();
      // Well within the 20 s a message would wait for the fan-out.
      await held.liveness([{ uid: agent.bytes, seq: 2, atMs: held.clock }]);
      expect(await seenSince(before)).toEqual({ current: 0, deferred: 1, elsewhere: 0, unknown: 0 });
      expect(await held.takeDeliveries()).toEqual([]);
      hold.release();
      await waitFor(() => held.logs.some((line) => line.msg === 'config change reconciled'), { description: 'the fan-out' });
      const offered = (await held.takeDeliveries()).filter((d) => d.delivery.kind === DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG);
      expect(offered.map((d) => Buffer.from(d.delivery.instanceUid).toString('hex'))).toEqual([Buffer.from(agent.bytes).toString('hex')]);
    });
  });
});
