import type { BusMessage, BusSubscription } from '@shepherd/bus';
import { decodeServerToAgentDelivery, isValidUid, toBigInt, uidToString } from '@shepherd/proto';
import type { AgentHub } from './agent-hub.js';
import { countMalformed, deliverTo, Outgoing } from './deliver-to-agent.js';

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
  return bus.subscribe(topology.delivery(gatewayId), { maxPending: MAX_PENDING_DELIVERIES, onDropped: overflowCounter(hub) }, (msg) => routeDelivery(hub, msg));
}

/** Drops in between warnings about them, which come at most this often. */
const OVERFLOW_WARNING_INTERVAL_MS = 10_000;

/**
 * Counts deliveries the bus dropped because {@link MAX_PENDING_DELIVERIES} already waited
 * (`drops_total{reason="delivery_overflow"}`) and warns at most every 10 s: an overloaded gateway
 * would otherwise write a log line per dropped delivery.
 */
function overflowCounter(hub: AgentHub): () => void {
  let unreported = 0;
  let warnedAt = 0;
  return () => {
    hub.metrics.drops.inc({ reason: 'delivery_overflow' });
    unreported += 1;
    const now = Date.now();
    if (now - warnedAt < OVERFLOW_WARNING_INTERVAL_MS) return;
    hub.options.logger.warn({ dropped: unreported, maxPending: MAX_PENDING_DELIVERIES }, 'deliveries dropped: more were waiting than the gateway buffers');
    unreported = 0;
    warnedAt = now;
  };
}

/**
 * Routes one delivery; exported for tests. Never throws. A remote-config offer that gating
 * leaves as it is goes to a WebSocket agent as the service encoded it (see `offerTemplate`);
 * anything else is decoded, gated and encoded again.
 */
export function routeDelivery(hub: AgentHub, msg: BusMessage): void {
  let uid: string;
  let delivery: ReturnType<typeof decodeServerToAgentDelivery>;
  try {
    delivery = decodeServerToAgentDelivery(msg.data);
    if (!isValidUid(delivery.instanceUid)) throw new Error('instance_uid is not 16 bytes');
    uid = uidToString(delivery.instanceUid);
  } catch (err) {
    return countMalformed(hub, err);
  }
  deliverTo(hub, uid, new Outgoing(hub, delivery.serverToAgent, delivery.kind, delivery.tenantId, toBigInt(delivery.issuedAtUnixNano)));
}
