import { offerTemplate, prepareDelivery, type OfferTemplate } from '@shepherd/opamp-core';
import { decodeServerToAgent, type ServerToAgent } from '@shepherd/proto';
import type { AgentHub } from './agent-hub.js';

/**
 * One ServerToAgent on its way to one or more of this gateway's agents, as a single delivery or a
 * multicast carries it: looked at (and decoded) once, however many agents it goes to.
 */
export class Outgoing {
  readonly #hub: AgentHub;
  readonly #bytes: Uint8Array;
  #decoded: ServerToAgent | null | undefined;
  /** Set when capability gating leaves the message as it is: it is then sent without decoding. */
  readonly template: OfferTemplate | undefined;

  constructor(
    hub: AgentHub,
    /** The encoded ServerToAgent (with or without instance_uid). */
    bytes: Uint8Array,
    /** What it carries (an HTTP agent keeps the latest per kind). */
    readonly kind: number,
    /** Its tenant; '' when the sender named none. */
    readonly tenantId: string,
    readonly issuedAtUnixNano: bigint,
  ) {
    this.#hub = hub;
    this.#bytes = bytes;
    this.template = offerTemplate(bytes);
  }

  get sizeBytes(): number {
    return this.#bytes.length;
  }

  /** The decoded message, decoded on first need; `undefined` (counted and logged once) when it does not decode. */
  decoded(): ServerToAgent | undefined {
    if (this.#decoded === undefined) {
      try {
        this.#decoded = decodeServerToAgent(this.#bytes);
      } catch (err) {
        this.#decoded = null;
        countMalformed(this.#hub, err);
      }
    }
    return this.#decoded ?? undefined;
  }
}

/**
 * Delivers `out` to agent `uid` (canonical text): pushed at once on its WebSocket (§7.27),
 * after capability gating (§7.34) with instance_uid and capabilities set, or kept for an HTTP
 * agent's next poll (latest per kind, gated at poll time, §7.28). Counts the outcome; true when
 * the message was pushed or is held, false when it could not reach the agent (not here, another
 * tenant, gated away, dropped).
 */
export function deliverTo(hub: AgentHub, uid: string, out: Outgoing): boolean {
  const { metrics, options } = hub;
  const conn = hub.wsOwners.get(uid);
  const wsEntry = conn?.agents.get(uid);
  const entry = wsEntry ?? hub.http.peek(uid);
  if (entry === undefined) return drop(hub, 'not_here');
  if (out.tenantId !== '' && out.tenantId !== entry.principal.tenantId) return drop(hub, 'tenant_mismatch');
  if (conn !== undefined && wsEntry !== undefined) {
    const { capabilities } = wsEntry.session;
    const asIs = out.template?.bytesFor(wsEntry.uidBytes, capabilities, options.serverCapabilities);
    let sent: boolean;
    if (asIs !== undefined) {
      sent = conn.sendEncoded(asIs, 'push');
    } else {
      const message = out.decoded();
      if (message === undefined) return false;
      const ready = prepareDelivery(message, wsEntry.uidBytes, capabilities, options.serverCapabilities);
      if (ready === undefined) return drop(hub, 'capability_gated');
      sent = conn.send(ready.message, 'push');
    }
    metrics.deliveries.inc({ outcome: sent ? 'pushed' : 'dropped' });
    return sent;
  }
  const message = out.decoded();
  if (message === undefined) return false;
  const before = hub.mailbox.stats.evicted;
  const outcome = hub.mailbox.put(uid, { kind: out.kind, message, sizeBytes: out.sizeBytes, issuedAtUnixNano: out.issuedAtUnixNano });
  const evicted = hub.mailbox.stats.evicted - before;
  if (evicted > 0) metrics.drops.inc({ reason: 'mailbox_evicted' }, evicted);
  if (outcome === 'stored' || outcome === 'replaced') {
    metrics.deliveries.inc({ outcome: 'held' });
    return true;
  }
  return drop(hub, outcome === 'stale' ? 'stale' : 'mailbox_too_large');
}

/** Counts (and logs) a delivery that could not be decoded. */
export function countMalformed(hub: AgentHub, err: unknown): void {
  hub.metrics.deliveries.inc({ outcome: 'malformed' });
  hub.options.logger.warn({ err }, 'malformed delivery dropped');
}

function drop(hub: AgentHub, reason: string): false {
  hub.metrics.deliveries.inc({ outcome: 'dropped' });
  hub.metrics.drops.inc({ reason });
  return false;
}
