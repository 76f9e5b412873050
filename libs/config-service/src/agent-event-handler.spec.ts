import { type BusMessage, createTopology } from '@shepherd/bus';
import { uidToString } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import type { AgentSnapshot } from './agent-record.js';
import { agentEventHandler } from './agent-event-handler.js';
import { envelopeBytes, livenessBatchBytes, newAgent, seq } from './agent-fixtures.test-helpers.js';
import { FanoutPriority } from './fanout-priority.js';
import type { InventoryRepository } from './inventory-repository.js';
import type { ReconcileOutcome, Reconciler } from './reconciler.js';
import { NO_METRICS } from './service-metrics.js';

const topology = createTopology({ prefix: 'handler-test' });
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const busMessage = (subject: string, data: Uint8Array): BusMessage => ({ subject, data, headers: new Map(), deliveryCount: 1, streamSequence: 1 });

/** A handler over stub repositories that record the order in which the agent's events are decided. */
function handlerRecordingOrder() {
  const decided: string[] = [];
  const snapshot = (instanceUid: string): AgentSnapshot => ({
    instanceUid,
    tenantId: 'default',
    capabilities: 0n,
    described: true,
    connected: true,
    gatewayId: 'gw-1',
    transport: 'websocket',
    descriptionDigest: 'd',
  });
  const inventory = {
    recordMessage: async (envelope) => snapshot(uidToString(envelope.instanceUid)),
    recordConnection: async () => undefined,
    recordLiveness: async (seen) => snapshot(seen.instanceUid),
  } as Pick<InventoryRepository, 'recordMessage' | 'recordConnection' | 'recordLiveness'> as InventoryRepository;
  const decide = (what: string) => async (): Promise<ReconcileOutcome> => {
    decided.push(what);
    return 'up-to-date';
  };
  const reconciler = { onMessage: decide('message'), onLiveness: decide('liveness') } as Partial<Reconciler> as Reconciler;
  const handle = agentEventHandler({ topology, logger: quiet, metrics: NO_METRICS, inventory, reconciler, now: Date.now, priority: new FanoutPriority(10_000) });
  return { handle, decided };
}

describe('agentEventHandler', () => {
  it("decides an agent's events in the order it was handed them, a liveness batch behind the report before it", async () => {
    // A pulled batch of messages is handed on within one turn: the report first, then the batch with the agent's next heartbeat.
    const { handle, decided } = handlerRecordingOrder();
    const agent = newAgent();
    const report = busMessage(topology.subjects.agentMessage, envelopeBytes({ instanceUid: agent.bytes, sequenceNum: seq(2) }, { receivedAtMs: 1_000, gatewayId: 'gw-1' }));
    const liveness = busMessage(topology.subjects.agentLiveness, livenessBatchBytes('gw-1', [{ uid: agent.bytes, seq: 3, atMs: 2_000 }]));
    await Promise.all([handle(report), handle(liveness)]);
    expect(decided).toEqual(['message', 'liveness']);
  });
});
