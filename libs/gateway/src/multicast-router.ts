import type { BusSubscription } from '@shepherd/bus';
import { decodeServerToAgentMulticast, encodeDeliveryReceipt, isValidUid, toBigInt, uidToString } from '@shepherd/proto';
import type { AgentHub } from './agent-hub.js';
import { deliverTo, Outgoing } from './deliver-to-agent.js';

/**
 * Multicasts waiting while one is routed. A fan-out waits for each receipt, so a config service
 * keeps a few in flight per gateway; beyond the bound the request is dropped (and counted), and
 * its sender times out and offers those agents again later.
 */
const MAX_PENDING_MULTICASTS = 256;

/**
 * Answers multicast deliveries on `topology.multicast(gatewayId)`: one ServerToAgent for many of
 * this gateway's agents (see {@link routeMulticast}), answered with a DeliveryReceipt naming the
 * agents it did not reach. A multicast that does not decode fails the request (the sender gets a
 * RemoteHandlerError).
 */
export function serveMulticasts(hub: AgentHub): BusSubscription {
  const { bus, topology, gatewayId } = hub.options;
  const onDropped = (): void => void hub.metrics.drops.inc({ reason: 'multicast_overflow' });
  return bus.serve(topology.multicast(gatewayId), { maxPending: MAX_PENDING_MULTICASTS, onDropped }, async (req) =>
    encodeDeliveryReceipt({ undeliveredUids: routeMulticast(hub, req.data) }),
  );
}

/**
 * Delivers one encoded ServerToAgentMulticast to each agent it names, as a single delivery
 * would be (pushed, or held for an HTTP agent's poll; gated per agent), and returns the uids of
 * the agents it did not reach, in the multicast's order. The message is looked at once: an
 * offer gating leaves as it is goes out as the service encoded it, stamped with each agent's uid.
 * @throws ProtoDecodeError when the multicast itself does not decode
 */
export function routeMulticast(hub: AgentHub, data: Uint8Array): Uint8Array[] {
  const multicast = decodeServerToAgentMulticast(data);
  const out = new Outgoing(hub, multicast.serverToAgent, multicast.kind, multicast.tenantId, toBigInt(multicast.issuedAtUnixNano));
  const undelivered: Uint8Array[] = [];
  for (const uid of multicast.instanceUids) {
    if (!isValidUid(uid) || !deliverTo(hub, uidToString(uid), out)) undelivered.push(uid);
  }
  return undelivered;
}
