import { testEngines, uniqueName, waitFor } from '@shepherd/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { connectNatsBus } from '../nats/connect-nats-bus.js';
import { NatsTestAdmin } from '../nats/nats-test-admin.test-helpers.js';
import { createTopology, ensureTopology } from '../topology.js';
import { openBacklogProbe } from './backlog-probe.js';

const admin = new NatsTestAdmin();
const prefix = uniqueName('backlog');
afterAll(async () => {
  await admin.deleteStreams(prefix);
  await admin.close();
});

describe('openBacklogProbe', () => {
  it("reports what a durable has not delivered and not had acknowledged, and nothing for a missing topology", async () => {
    const topology = createTopology({ prefix });
    const bus = await connectNatsBus({ servers: testEngines.natsUrl, name: `backlog-${prefix}` });
    const probe = await openBacklogProbe(testEngines.natsUrl, prefix);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    try {
      await ensureTopology(bus, topology);
      const consumer = await bus.consume({ ...topology.consumers['config-service'], maxInFlight: 1 }, () => held);
      for (let i = 0; i < 3; i += 1) await bus.publish(topology.subjects.agentMessage, new Uint8Array([i]));
      const key = `${topology.consumers['config-service'].stream}/${topology.consumers['config-service'].durable}`;
      await waitFor(async () => (await probe.read())[key]?.unacked === 1, { description: 'one message in flight' });
      expect((await probe.read())[key]).toEqual({ pending: 2, unacked: 1 });
      release();
      await waitFor(async () => (await probe.read())[key]?.pending === 0 && (await probe.read())[key]?.unacked === 0, { description: 'the backlog drained' });
      await consumer.stop();
    } finally {
      release();
      await probe.close();
      await bus.close();
    }
    const none = await openBacklogProbe(testEngines.natsUrl, `${prefix}_never`);
    try {
      expect(await none.read()).toEqual({});
    } finally {
      await none.close();
    }
  });
});
