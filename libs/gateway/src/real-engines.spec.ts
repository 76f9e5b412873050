import { connectNatsBus, createTopology, type BusConsumer, type EventBus } from '@shepherd/bus';
import { deleteTopologyStreams } from '@shepherd/bus/testing';
import { connectRedisOwnership, type OwnershipStore } from '@shepherd/ownership';
import { deleteKeysWithPrefix } from '@shepherd/ownership/testing';
import {
  ConnectionEventKind,
  DeliveryKind,
  decodeAgentConnectionEvent,
  decodeAgentLivenessBatch,
  decodeAgentMessageEnvelope,
  decodeAgentToServer,
  toBigInt,
  uidToString,
} from '@shepherd/proto';
import { testEngines, uniqueName, waitFor } from '@shepherd/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './gateway.test-helpers.js';
import { WsTestAgent, describeAgent, newUid } from './ws-agent.test-helpers.js';

const marker = uniqueName('gwe');
const keyPrefix = `${marker}:`;

afterAll(async () => {
  await deleteTopologyStreams(testEngines.natsUrl, marker);
  await deleteKeysWithPrefix(testEngines.redisUrl, keyPrefix);
});

describe('gateway on NATS JetStream and Redis', () => {
  it('publishes events and liveness batches to the stream, records ownership in Redis, delivers through NATS, and releases on close', async () => {
    const bus: EventBus = await connectNatsBus({ servers: testEngines.natsUrl, name: `gateway-test-${marker}` });
    const ownership: OwnershipStore = await connectRedisOwnership({ url: testEngines.redisUrl, keyPrefix });
    const topology = createTopology({ prefix: marker });
    let tg: TestGateway | undefined;
    let consumer: BusConsumer | undefined;
    try {
      tg = await startTestGateway({ bus, ownership, topology, livenessIntervalMs: 100 });
      const seen: string[] = [];
      consumer = await bus.consume({ ...topology.consumers['config-service'], ackWaitMs: 5_000 }, async (msg) => {
        if (msg.subject === topology.subjects.agentConnection) {
          const e = decodeAgentConnectionEvent(msg.data);
          seen.push(`${e.kind === ConnectionEventKind.CONNECTION_EVENT_KIND_CONNECTED ? 'connected' : 'disconnected'}:${uidToString(e.instanceUid)}`);
        } else if (msg.subject === topology.subjects.agentLiveness) {
          for (const a of decodeAgentLivenessBatch(msg.data).agents) seen.push(`liveness:${uidToString(a.instanceUid!)}:${String(a.sequenceNum)}`);
        } else {
          const env = decodeAgentMessageEnvelope(msg.data);
          seen.push(`message:${uidToString(env.instanceUid)}:${toBigInt(decodeAgentToServer(env.agentToServer).sequenceNum)}`);
        }
      });

      const agent = await WsTestAgent.connect(tg.gateway.wsUrl);
      const uid = newUid();
      const id = uidToString(uid);
      await agent.exchange({ instanceUid: uid, agentDescription: describeAgent('real') });
      await agent.exchange({ instanceUid: uid });
      // The plain heartbeat (message 2) travels in the gateway's liveness batch.
      await waitFor(() => seen.length >= 3, { description: 'three events on the durable consumer' });
      expect(seen).toEqual([`connected:${id}`, `message:${id}:1`, `liveness:${id}:2`]);

      // A service routes a delivery the way ISSUE3 describes: owner lookup, then the owner's subject.
      const owner = await ownership.owner(id);
      expect(owner?.gatewayId).toBe(tg.gateway.gatewayId);
      tg.deliver(uid, { instanceUid: uid, remoteConfig: { configHash: Buffer.from('nats') } }, DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG);
      expect(Buffer.from((await agent.nth(3)).remoteConfig!.configHash!).toString()).toBe('nats');

      agent.close();
      await waitFor(() => seen.includes(`disconnected:${id}`), { description: 'disconnected event' });
      await waitFor(async () => (await ownership.owner(id)) === undefined, { description: 'released claim in Redis' });
    } finally {
      await consumer?.stop();
      await tg?.close();
      await bus.close();
      await ownership.close();
    }
  });
});
