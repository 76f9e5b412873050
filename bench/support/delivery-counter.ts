import { performance } from 'node:perf_hooks';
import type { BusSubscription, EventBus, Topology } from '@shepherd/bus';
import { decodeServerToAgentDelivery, decodeServerToAgentMulticast, encodeDeliveryReceipt } from '@shepherd/proto';

/** When the deliveries of one correlation id arrived (performance.now() ms). */
export interface Arrivals {
  readonly count: number;
  readonly firstAt: number;
  readonly lastAt: number;
}

/** Counts what the gateways receive on their delivery subjects, per correlation id. */
export interface DeliveryCounter {
  /**
   * Resolves once `expected` deliveries with `correlationId` arrived (counting those that came
   * before the call); rejects after `timeoutMs` naming how many arrived.
   */
  waitFor(correlationId: string, expected: number, timeoutMs: number): Promise<Arrivals>;
  /** Deliveries of any kind received so far. */
  total(): number;
  close(): Promise<void>;
}

/**
 * Subscribes to `topology.delivery(id)` and answers `topology.multicast(id)` for every gateway id,
 * as the gateways do (a multicast counts once per agent it names, all reported delivered), with a
 * buffer large enough that a whole fan-out is never dropped for being received faster than counted.
 */
export function countDeliveries(bus: EventBus, topology: Topology, gatewayIds: readonly string[], maxPending: number): DeliveryCounter {
  const seen = new Map<string, { count: number; firstAt: number; lastAt: number }>();
  const waiters = new Set<{ id: string; expected: number; resolve: (a: Arrivals) => void }>();
  let total = 0;
  const arrived = (id: string, count: number): void => {
    const at = performance.now();
    total += count;
    const entry = seen.get(id) ?? { count: 0, firstAt: at, lastAt: at };
    entry.count += count;
    entry.lastAt = at;
    seen.set(id, entry);
    for (const waiter of waiters) {
      if (waiter.id === id && entry.count >= waiter.expected) {
        waiters.delete(waiter);
        waiter.resolve({ ...entry });
      }
    }
  };
  const subscriptions: BusSubscription[] = gatewayIds.flatMap((id) => [
    bus.subscribe(topology.delivery(id), { maxPending }, (msg) => arrived(decodeServerToAgentDelivery(msg.data).correlationId, 1)),
    bus.serve(topology.multicast(id), { maxPending }, async (msg) => {
      const multicast = decodeServerToAgentMulticast(msg.data);
      arrived(multicast.correlationId, multicast.instanceUids.length);
      return encodeDeliveryReceipt({});
    }),
  ]);
  return {
    waitFor(correlationId, expected, timeoutMs) {
      const now = seen.get(correlationId);
      if (now !== undefined && now.count >= expected) return Promise.resolve({ ...now });
      return new Promise<Arrivals>((resolve, reject) => {
        const waiter = {
          id: correlationId,
          expected,
          resolve: (arrivals: Arrivals) => {
            clearTimeout(timer);
            resolve(arrivals);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const got = seen.get(correlationId)?.count ?? 0;
          reject(new Error(`only ${got} of ${expected} deliveries of ${correlationId} arrived within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    total: () => total,
    close: async () => {
      await Promise.all(subscriptions.map((subscription) => subscription.unsubscribe()));
    },
  };
}
