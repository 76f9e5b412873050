/**
 * OpAMP instance uids: 16 bytes, preferably UUID v7 (wire-facts §6.4), shown
 * as canonical 8-4-4-4-12 lowercase hex (the `OpAMP-Instance-UID` header form).
 */
import { randomFillSync } from 'node:crypto';
import { InvalidInstanceUidError } from './errors.js';

const UID_BYTES = 16;
const CANONICAL_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Two lowercase hex digits of every byte value: formatting runs once per agent message. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** True when `value` is a Uint8Array of exactly 16 bytes (any UUID version, even nil). */
export function isValidUid(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === UID_BYTES;
}

/**
 * Formats a 16-byte uid as lowercase `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
 * @throws {InvalidInstanceUidError} when `bytes` is not 16 bytes long.
 */
export function uidToString(bytes: Uint8Array): string {
  if (!isValidUid(bytes)) throw new InvalidInstanceUidError('an instance uid must be exactly 16 bytes');
  const h = (from: number, to: number): string => {
    let text = '';
    for (let i = from; i < to; i++) text += HEX[bytes[i] as number];
    return text;
  };
  return `${h(0, 4)}-${h(4, 6)}-${h(6, 8)}-${h(8, 10)}-${h(10, 16)}`;
}

/**
 * Parses the canonical 8-4-4-4-12 hex form (either case) into 16 new bytes.
 * @throws {InvalidInstanceUidError} for any other text (no braces, no urn: prefix).
 */
export function uidFromString(text: string): Uint8Array {
  if (typeof text !== 'string' || !CANONICAL_RE.test(text)) {
    throw new InvalidInstanceUidError('an instance uid must be a canonical 8-4-4-4-12 hex UUID');
  }
  return Uint8Array.from(Buffer.from(text.replaceAll('-', ''), 'hex'));
}

/**
 * A fresh UUID v7 (RFC 9562 §5.7) as 16 bytes: 48-bit big-endian Unix time in
 * ms, version 7, 12 random bits, variant 0b10, 62 random bits. Uids made in
 * the same millisecond are unique but not ordered among themselves.
 */
export function newInstanceUid(now: number = Date.now()): Uint8Array {
  const bytes = randomFillSync(new Uint8Array(UID_BYTES));
  let ms = Math.floor(now);
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | ((bytes[6] as number) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  return bytes;
}
