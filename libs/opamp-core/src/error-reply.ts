import { ServerErrorResponseType, toLong, type IServerToAgent } from '@shepherd/proto';

const NANOS_PER_MS = 1_000_000n;
const EMPTY_UID = new Uint8Array(0);

/**
 * A ServerToAgent that carries only `instance_uid` and `error_response`
 * (wire-facts §7.24/§7.25: fields 3..11, capabilities included, stay unset).
 *
 * `uid` is echoed as given (even when it is not 16 bytes, §7.20); absent when
 * the message could not be decoded at all. `retryAfterMs` becomes
 * `retry_info.retry_after_nanoseconds` and is only used with type
 * Unavailable (§7.37); it is rounded to whole milliseconds, negatives to 0.
 */
export function errorReply(
  uid: Uint8Array | undefined,
  type: ServerErrorResponseType,
  message: string,
  retryAfterMs?: number,
): IServerToAgent {
  const withRetry = type === ServerErrorResponseType.ServerErrorResponseType_Unavailable && retryAfterMs !== undefined;
  const nanos = withRetry ? BigInt(Math.max(0, Math.round(retryAfterMs))) * NANOS_PER_MS : 0n;
  return {
    instanceUid: uid ?? EMPTY_UID,
    errorResponse: {
      type,
      errorMessage: message,
      ...(withRetry ? { retryInfo: { retryAfterNanoseconds: toLong(nanos) } } : {}),
    },
  };
}
