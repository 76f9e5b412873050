import type { BusMessage, Topology } from '@shepherd/bus';
import {
  ConnectionEventKind,
  decodeAgentConnectionEvent,
  decodeAgentMessageEnvelope,
  decodeAgentToServer,
  toBigInt,
  uidToString,
} from '@shepherd/proto';
import type { FanoutPriority } from './fanout-priority.js';
import type { InventoryRepository } from './inventory-repository.js';
import { KeyedSerializer } from './keyed-serializer.js';
import { type LivenessSeen, readLivenessBatch } from './liveness-batch.js';
import type { Reconciler } from './reconciler.js';
import { type ServiceLogger, errorFields } from './service-logger.js';
import type { ServiceMetrics } from './service-metrics.js';

/** What {@link agentEventHandler} works with. */
export interface AgentEventHandlerDeps {
  readonly topology: Topology;
  readonly logger: ServiceLogger;
  readonly metrics: ServiceMetrics;
  readonly inventory: InventoryRepository;
  readonly reconciler: Reconciler;
  readonly now: () => number;
  readonly priority: FanoutPriority;
}

/**
 * The handler of the agent-events durable: agent messages, connection events and gateways'
 * liveness batches. Events of one agent are handled one at a time, in the order the handler was
 * called with them (the order the consumer hands them on); a message that cannot be decoded is
 * logged and acked; any other failure rejects (the consumer naks it).
 */
export function agentEventHandler(deps: AgentEventHandlerDeps): (msg: BusMessage) => Promise<void> {
  const { topology, logger, metrics, inventory, reconciler } = deps;
  const serializer = new KeyedSerializer();
  const malformed = (msg: BusMessage, kind: 'agent-message' | 'connection-event' | 'liveness-batch', err: unknown): void => {
    metrics.malformed(kind);
    const fields = { ...errorFields(err), subject: msg.subject, streamSequence: msg.streamSequence };
    logger.warn(fields, `malformed ${kind} acked without processing`);
  };
  // Each event takes its place in its agent's queue as it arrives, and only then waits for a
  // running fan-out: a liveness batch does not wait, and an agent's heartbeat must not overtake
  // its own earlier reports (a heartbeat decided before the APPLIED it follows was recorded
  // would repeat the offer, with ReportFullState, once the resend window passed).
  const run = (uid: string, task: () => Promise<void>): Promise<void> =>
    serializer.run(uid, async () => {
      const release = await deps.priority.admit();
      try {
        await task();
      } finally {
        release();
      }
    });
  return async (msg: BusMessage): Promise<void> => {
    // Liveness does not wait for a running fan-out: recording it is cheap, and it reconciles
    // nothing meanwhile (see handleLiveness).
    if (msg.subject === topology.subjects.agentLiveness) {
      let batch;
      try {
        batch = readLivenessBatch(msg.data, deps.now);
      } catch (err) {
        return malformed(msg, 'liveness-batch', err);
      }
      if (batch.skipped > 0) malformed(msg, 'liveness-batch', new Error(`${batch.skipped} entries without a 16-byte instance uid skipped`));
      return handleLiveness(batch.entries, serializer, deps);
    }
    if (msg.subject === topology.subjects.agentMessage) {
      let decoded;
      try {
        const envelope = decodeAgentMessageEnvelope(msg.data);
        decoded = { envelope, uid: uidToString(envelope.instanceUid), message: decodeAgentToServer(envelope.agentToServer) };
      } catch (err) {
        return malformed(msg, 'agent-message', err);
      }
      const { envelope, uid, message } = decoded;
      await run(uid, async () => {
        await reconciler.onMessage(await inventory.recordMessage(envelope, message), message);
      });
    } else if (msg.subject === topology.subjects.agentConnection) {
      let decoded;
      try {
        const event = decodeAgentConnectionEvent(msg.data);
        decoded = { event, uid: uidToString(event.instanceUid) };
      } catch (err) {
        return malformed(msg, 'connection-event', err);
      }
      const { event, uid } = decoded;
      await run(uid, async () => {
        const agent = await inventory.recordConnection(event);
        if (agent === undefined || event.kind !== ConnectionEventKind.CONNECTION_EVENT_KIND_CONNECTED) return;
        const ns = event.atUnixNano ? toBigInt(event.atUnixNano) : 0n;
        await reconciler.onConnected(agent, new Date(ns > 0n ? Number(ns / 1_000_000n) : deps.now()));
      });
    }
  };
}

/**
 * Handles a gateway's liveness batch: each agent's heartbeat in its own serialized turn, like a
 * message of its own, all of them at once (their store reads share statements). While a config
 * change fans out, heartbeats are recorded but decide nothing: the fan-out offers to every agent
 * the change concerns, and the others lose nothing by waiting for their next heartbeat, whereas
 * thousands of heartbeats deciding at once would read the store (the change voided the memo) and
 * send offers beside the fan-out's, past what the gateways' delivery buffers hold. The batch is
 * acked once every entry was handled; one failure naks it after the others finished, and a
 * redelivered batch changes nothing that was already recorded.
 */
async function handleLiveness(entries: readonly LivenessSeen[], serializer: KeyedSerializer, deps: AgentEventHandlerDeps): Promise<void> {
  const outcomes = await Promise.allSettled(
    entries.map((seen) =>
      serializer.run(seen.instanceUid, async () => {
        const agent = await deps.inventory.recordLiveness(seen);
        if (agent === undefined) return deps.metrics.livenessSeen('unknown');
        // A heartbeat relayed by a gateway the agent has left since decides nothing.
        if (!agent.connected || agent.gatewayId !== seen.gatewayId) return deps.metrics.livenessSeen('elsewhere');
        if (deps.priority.active) return deps.metrics.livenessSeen('deferred');
        deps.metrics.livenessSeen('current');
        await deps.reconciler.onLiveness(agent);
      }),
    ),
  );
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}
