import { InvalidHeaderError } from './errors.js';

/** Header names with this prefix (any case) belong to the broker and are neither accepted nor shown. */
export const RESERVED_HEADER_PREFIX = 'nats-';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
const MAX_MSG_ID_LENGTH = 256;
const EMPTY: ReadonlyMap<string, string> = new Map();

/**
 * Checks user headers: names are HTTP tokens not starting with `Nats-`,
 * values carry no control characters (so they survive the NATS wire format).
 * @throws InvalidHeaderError naming the header
 */
export function validateHeaders(headers: Readonly<Record<string, string>> | undefined): void {
  if (headers === undefined) return;
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new InvalidHeaderError(`invalid header name '${name}'`);
    if (name.toLowerCase().startsWith(RESERVED_HEADER_PREFIX)) {
      throw new InvalidHeaderError(`header '${name}' uses the reserved prefix 'Nats-'`);
    }
    if (typeof value !== 'string' || CONTROL.test(value)) {
      throw new InvalidHeaderError(`header '${name}' has a non-string value or control characters`);
    }
  }
}

/** @throws InvalidHeaderError when `msgId` is empty, longer than 256 characters or has control characters */
export function validateMsgId(msgId: string | undefined): void {
  if (msgId === undefined) return;
  if (typeof msgId !== 'string' || msgId.length === 0 || msgId.length > MAX_MSG_ID_LENGTH || CONTROL.test(msgId)) {
    throw new InvalidHeaderError(`invalid msgId: use 1-${MAX_MSG_ID_LENGTH} printable characters`);
  }
}

/** An immutable header map for a {@link BusMessage}. */
export function toHeaderMap(headers: Readonly<Record<string, string>> | undefined): ReadonlyMap<string, string> {
  if (headers === undefined) return EMPTY;
  const entries = Object.entries(headers);
  return entries.length === 0 ? EMPTY : new Map(entries);
}

/** Bytes a message occupies on the NATS wire (payload plus encoded headers), the figure `max_payload` limits. */
export function wireSize(data: Uint8Array, headers: Readonly<Record<string, string>> | undefined): number {
  const entries = headers === undefined ? [] : Object.entries(headers);
  if (entries.length === 0) return data.byteLength;
  // "NATS/1.0\r\n" + "name: value\r\n"... + "\r\n", as nats.js encodes them
  let size = 10 + 2;
  for (const [name, value] of entries) size += Buffer.byteLength(name) + Buffer.byteLength(value) + 4;
  return data.byteLength + size;
}
