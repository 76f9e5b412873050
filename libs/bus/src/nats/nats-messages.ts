import { headers as natsHeaders, type Msg, type MsgHdrs } from '@nats-io/nats-core';
import type { JsMsg } from '@nats-io/jetstream';
import type { BusMessage } from '../event-bus.js';
import { RESERVED_HEADER_PREFIX } from '../headers.js';

const EMPTY: ReadonlyMap<string, string> = new Map();

/** NATS headers for user headers already validated; undefined when there are none. */
export function toNatsHeaders(headers: Readonly<Record<string, string>> | undefined): MsgHdrs | undefined {
  if (headers === undefined) return undefined;
  const entries = Object.entries(headers);
  if (entries.length === 0) return undefined;
  const h = natsHeaders();
  for (const [name, value] of entries) h.set(name, value);
  return h;
}

/** User headers of a NATS message: broker-internal `Nats-*` headers are left out, first value wins. */
export function fromNatsHeaders(h: MsgHdrs | undefined): ReadonlyMap<string, string> {
  if (h === undefined) return EMPTY;
  const out = new Map<string, string>();
  for (const [name, values] of h) {
    if (name.toLowerCase().startsWith(RESERVED_HEADER_PREFIX)) continue;
    const first = values[0];
    if (first !== undefined) out.set(name, first);
  }
  return out.size === 0 ? EMPTY : out;
}

/** A core NATS message as a {@link BusMessage}. */
export function coreToBusMessage(m: Msg): BusMessage {
  return Object.freeze({ subject: m.subject, data: m.data, headers: fromNatsHeaders(m.headers), deliveryCount: 1 });
}

/** A JetStream delivery as a {@link BusMessage}. */
export function jsToBusMessage(m: JsMsg): BusMessage {
  return Object.freeze({
    subject: m.subject,
    data: m.data,
    headers: fromNatsHeaders(m.headers),
    deliveryCount: m.info.deliveryCount,
    streamSequence: m.seq,
  });
}
