import { ShepherdError } from '@shepherd/errors';

/** An option of {@link startGateway} is missing or out of range (thrown once, before listening). */
export class GatewayOptionError extends ShepherdError {
  readonly code = 'GATEWAY_INVALID_OPTION';
  readonly kind = 'invalid_argument' as const;
}

/** The OpAMP listener could not bind its host and port. */
export class GatewayListenError extends ShepherdError {
  readonly code = 'GATEWAY_LISTEN_FAILED';
  readonly kind = 'unavailable' as const;
}

/** A request body exceeds the message size limit after decompression (HTTP 413, wire-facts §7.14). */
export class MessageTooLargeError extends ShepherdError {
  readonly code = 'GATEWAY_MESSAGE_TOO_LARGE';
  readonly kind = 'payload_too_large' as const;
}

/** A request body is not valid gzip/deflate data although Content-Encoding says so. */
export class BadContentEncodingError extends ShepherdError {
  readonly code = 'GATEWAY_BAD_CONTENT_ENCODING';
  readonly kind = 'invalid_argument' as const;
}

/** A request uses a Content-Encoding the gateway does not implement. */
export class UnsupportedContentEncodingError extends ShepherdError {
  readonly code = 'GATEWAY_UNSUPPORTED_CONTENT_ENCODING';
  readonly kind = 'invalid_argument' as const;
}
