import { ShepherdError } from '@shepherd/errors';

/**
 * Bytes could not be decoded as the expected protobuf message: truncated or
 * malformed wire data, a known field sent with the wrong wire type, invalid
 * UTF-8 in a string field, nesting deeper than the recursion limit, or a
 * non-byte input. `cause` holds the protobufjs error when protobufjs raised one.
 * Answered as OpAMP BadRequest / HTTP 400.
 */
export class ProtoDecodeError extends ShepherdError {
  readonly code = 'PROTO_DECODE_FAILED';
  readonly kind = 'invalid_argument' as const;
}

/**
 * A message could not be encoded because a field holds a value of the wrong
 * type (the protobufjs `verify` message says which). `cause` holds the
 * protobufjs error when encoding itself failed.
 */
export class ProtoEncodeError extends ShepherdError {
  readonly code = 'PROTO_ENCODE_FAILED';
  readonly kind = 'invalid_argument' as const;
}

/**
 * A WebSocket message does not start with the OpAMP varint header 0
 * (wire-facts §6.2): the header is non-zero, truncated, overlong or missing,
 * and the message is not an acceptable legacy header-less frame.
 */
export class WsFrameHeaderError extends ShepherdError {
  readonly code = 'WS_FRAME_BAD_HEADER';
  readonly kind = 'invalid_argument' as const;
}

/** An instance uid is not 16 bytes, or its text is not a canonical 8-4-4-4-12 UUID. */
export class InvalidInstanceUidError extends ShepherdError {
  readonly code = 'INVALID_INSTANCE_UID';
  readonly kind = 'invalid_argument' as const;
}

/**
 * A value cannot be represented exactly as a 64-bit integer: a bigint out of
 * range, a non-integer, or a JS number beyond `Number.MAX_SAFE_INTEGER`
 * (which has already lost precision).
 */
export class Uint64RangeError extends ShepherdError {
  readonly code = 'UINT64_OUT_OF_RANGE';
  readonly kind = 'invalid_argument' as const;
}
