/**
 * OpAMP WebSocket message framing (wire-facts §6.2, checklist §7.6-§7.8):
 * every binary message is a base-128 varint header, which must be 0, followed
 * by the protobuf bytes of one AgentToServer or ServerToAgent.
 */
import { WsFrameHeaderError } from './errors.js';

/** A uint64 varint takes at most 10 bytes. */
const MAX_VARINT_BYTES = 10;

/**
 * First bytes that open a header-less (pre-2023) AgentToServer: the one-byte
 * tags of fields 1..15 with their own wire types, i.e. (field << 3) | wire
 * type. uint64 fields 2, 4 and 10 are varints (0); all others are
 * length-delimited (2). A spec checks this table against the descriptor.
 */
export const LEGACY_AGENT_TO_SERVER_FIRST_BYTES: ReadonlySet<number> = new Set([
  0x0a, 0x10, 0x1a, 0x20, 0x2a, 0x32, 0x3a, 0x42, 0x4a, 0x50, 0x5a, 0x62, 0x6a, 0x72, 0x7a,
]);

/** Options of {@link decodeWsFrame}. */
export interface WsFrameDecodeOptions {
  /**
   * Accept header-less frames from pre-2023 clients, as opamp-go does
   * (default true). Only frames whose first byte is the tag of an
   * AgentToServer field 1..15 qualify; anything else is still a bad header.
   */
  readonly allowLegacy?: boolean;
}

/**
 * Frames a protobuf payload for sending: the single header byte 0x00, then
 * the payload (copied into a new array). An empty payload gives `[0x00]`.
 */
export function encodeWsFrame(payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(payload.length + 1);
  // frame[0] stays 0: the varint encoding of header value 0.
  frame.set(payload, 1);
  return frame;
}

/**
 * Returns the protobuf payload of a received WebSocket message, as a view
 * into `data` (no copy). A header of 0 (in any varint length) is stripped;
 * zero bytes after it are a valid, empty AgentToServer (§7.8). With
 * `allowLegacy`, a message that starts with an AgentToServer field tag is
 * returned whole.
 * @throws {WsFrameHeaderError} when the message is empty, the header is
 *   non-zero, or the varint is truncated or longer than 10 bytes.
 */
export function decodeWsFrame(data: Uint8Array, opts: WsFrameDecodeOptions = {}): Uint8Array {
  const first = data[0];
  if ((opts.allowLegacy ?? true) && first !== undefined && LEGACY_AGENT_TO_SERVER_FIRST_BYTES.has(first)) {
    return data;
  }
  const header = readHeader(data);
  if (header.value !== 0n) {
    throw new WsFrameHeaderError(`WebSocket message header is ${header.value}, expected 0`);
  }
  return data.subarray(header.length);
}

/** Reads the leading varint without any protobufjs involvement (the header is not protobuf). */
function readHeader(data: Uint8Array): { value: bigint; length: number } {
  if (data.length === 0) throw new WsFrameHeaderError('empty WebSocket message: the varint header is missing');
  let value = 0n;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const byte = data[i];
    if (byte === undefined) throw new WsFrameHeaderError('WebSocket message header: truncated varint');
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) {
      if (value >= 1n << 64n) throw new WsFrameHeaderError('WebSocket message header: varint exceeds 64 bits');
      return { value, length: i + 1 };
    }
  }
  throw new WsFrameHeaderError('WebSocket message header: varint longer than 10 bytes');
}
