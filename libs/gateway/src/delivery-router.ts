import type { BusMessage, BusSubscription } from '@shepherd/bus';
import { prepareDelivery } from '@shepherd/opamp-core';
import { decodeServerToAgent, decodeServerToAgentDelivery, isValidUid, toBigInt, uidToString, type ServerToAgent } from '@shepherd/proto';
import type { AgentHub } from './agent-hub.js';

/** Deliveries buffered while the handler is busy; beyond it the bus drops (and logs) them. */
const MAX_PENDING_DELIVERIES = 10_000;

/**
 * Subscribes this gateway's delivery subject (`topology.delivery(gatewayId)`)
 * and routes each ServerToAgentDelivery: pushed at once to a WebSocket agent
 * (§7.27), kept for an HTTP agent's next poll (latest per kind, §7.28), or
 * dropped when the agent is not here (services heal it on its next report).
 * Capability gating (§7.34) happens before sending, or at poll time for HTTP.
 */
export function subscribeDeliveries(hub: AgentHub): BusSubscription {
  const { bus, topology, gatewayId } = hub.options;
  return bus.subscribe(topology.delivery(gatewayId), { maxPending: MAX_PENDING_DELIVERIES }, (msg) => routeDelivery(hub, msg));
}

/** Routes one delivery; exported for tests. Never throws. */
export function routeDelivery(hub: AgentHub, msg: BusMessage): void {
  const { metrics, options } = hub;
  let uid: string;
  let message: ServerToAgent;
  let delivery: ReturnType<typeof decodeServerToAgentDelivery>;
  try {
    delivery = decodeServerToAgentDelivery(msg.data);
    if (!isValidUid(delivery.instanceUid)) throw new Error('instance_uid is not 16 bytes');
    uid = uidToString(delivery.instanceUid);
    message = decodeServerToAgent(delivery.serverToAgent);
  } catch (err) {
    metrics.deliveries.inc({ outcome: 'malformed' });
    options.logger.warn({ err }, 'malformed delivery dropped');
    return;
  }
  const conn = hub.wsOwners.get(uid);
  const wsEntry = conn?.agents.get(uid);
  const entry = wsEntry ?? hub.http.peek(uid);
  if (entry === undefined) return drop(hub, 'not_here');
  if (delivery.tenantId !== '' && delivery.tenantId !== entry.principal.tenantId) return drop(hub, 'tenant_mismatch');
  if (conn !== undefined && wsEntry !== undefined) {
    const ready = prepareDelivery(message, wsEntry.uidBytes, wsEntry.session.capabilities, options.serverCapabilities);
    if (ready === undefined) return drop(hub, 'capability_gated');
    metrics.deliveries.inc({ outcome: conn.send(ready.message, 'push') ? 'pushed' : 'dropped' });
    return;
  }
  const before = hub.mailbox.stats.evicted;
  const outcome = hub.mailbox.put(uid, {
    kind: delivery.kind,
    message,
    sizeBytes: delivery.serverToAgent.length,
    issuedAtUnixNano: toBigInt(delivery.issuedAtUnixNano),
  });
  const evicted = hub.mailbox.stats.evicted - before;
  if (evicted > 0) metrics.drops.inc({ reason: 'mailbox_evicted' }, evicted);
  if (outcome === 'stored' || outcome === 'replaced') metrics.deliveries.inc({ outcome: 'held' });
  else drop(hub, outcome === 'stale' ? 'stale' : 'mailbox_too_large');
}

function drop(hub: AgentHub, reason: string): void {
  hub.metrics.deliveries.inc({ outcome: 'dropped' });
  hub.metrics.drops.inc({ reason });
}
