import type { BusMessage } from '../event-bus.js';
import { subjectMatches } from '../subject-match.js';

/** A core message on its way to subscribers, with the way back when it is a request. */
export interface CoreDelivery {
  readonly msg: BusMessage;
  readonly reply?: (data: Uint8Array, headers?: Readonly<Record<string, string>>) => void;
}

/** One core subscription as the router sees it. */
export interface CoreRoute {
  readonly pattern: string;
  readonly queue: string | undefined;
  /** Takes the delivery; returns false when it was dropped (the route counts as interest anyway). */
  push(delivery: CoreDelivery): boolean;
}

/**
 * Core NATS routing in memory: a message goes to every matching plain
 * subscription and to one member of each queue group (queue groups are keyed
 * by queue name across all matching patterns, as nats-server does). Members
 * of a group take turns.
 */
export class CoreRouter {
  readonly #routes = new Set<CoreRoute>();
  readonly #turns = new Map<string, number>();

  add(route: CoreRoute): void {
    this.#routes.add(route);
  }

  remove(route: CoreRoute): void {
    this.#routes.delete(route);
    const queue = route.queue;
    if (queue !== undefined && ![...this.#routes].some((r) => r.queue === queue)) this.#turns.delete(queue);
  }

  /** Delivers `delivery` and returns how many subscriptions were interested (0 = no responders). */
  route(subject: string, delivery: CoreDelivery): number {
    const groups = new Map<string, CoreRoute[]>();
    let interested = 0;
    for (const route of this.#routes) {
      if (!subjectMatches(route.pattern, subject)) continue;
      interested++;
      if (route.queue === undefined) {
        route.push(delivery);
        continue;
      }
      const members = groups.get(route.queue);
      if (members === undefined) groups.set(route.queue, [route]);
      else members.push(route);
    }
    for (const [queue, members] of groups) {
      const turn = this.#turns.get(queue) ?? 0;
      members[turn % members.length]!.push(delivery);
      this.#turns.set(queue, (turn + 1) % Number.MAX_SAFE_INTEGER);
    }
    return interested;
  }
}
