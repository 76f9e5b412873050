import { errors } from '@nats-io/nats-core';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { isShepherdError, type ShepherdError } from '@shepherd/errors';
import {
  BusClosedError,
  BusUnavailableError,
  InvalidSubjectError,
  NoStreamError,
  PayloadTooLargeError,
  StreamConflictError,
} from '../errors.js';

/** JetStream API error codes this adapter answers specifically (nats-server's errors.json). */
const API = {
  streamNameInUse: 10058,
  subjectsOverlap: 10065,
  filterNotSubset: 10093,
} as const;

/** Context for {@link toBusError}. */
export interface ErrorContext {
  readonly operation: string;
  readonly subject?: string;
  readonly stream?: string;
  /** True once the bus itself is closing: closed-connection errors then mean BusClosedError. */
  readonly closing: boolean;
}

/** Translates a NATS client error into the bus's typed errors; ShepherdErrors pass through. */
export function toBusError(err: unknown, ctx: ErrorContext): ShepherdError {
  if (isShepherdError(err)) return err;
  const cause = { cause: err };
  if (err instanceof errors.ClosedConnectionError || err instanceof errors.DrainingConnectionError) {
    return ctx.closing ? new BusClosedError(ctx.operation) : new BusUnavailableError(`${ctx.operation}: connection closed`, cause);
  }
  if (err instanceof errors.TimeoutError) {
    return new BusUnavailableError(`${ctx.operation}${onSubject(ctx)}: the broker did not answer in time`, cause);
  }
  if (isNoResponders(err) || isNoResponders((err as { cause?: unknown } | undefined)?.cause)) {
    return new NoStreamError(`no stream captures subject '${ctx.subject ?? '?'}'`, cause);
  }
  if (err instanceof errors.InvalidArgumentError && /max_payload/.test(err.message)) {
    return new PayloadTooLargeError(`${ctx.operation}${onSubject(ctx)}: message exceeds the server's max_payload`, cause);
  }
  if (err instanceof JetStreamApiError) return fromApiError(err, ctx);
  const message = err instanceof Error ? err.message : String(err);
  return new BusUnavailableError(`${ctx.operation}${onSubject(ctx)} failed: ${message}`, cause);
}

/** True for a JetStream API error with the given code. */
export function isApiError(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}

function fromApiError(err: JetStreamApiError, ctx: ErrorContext): ShepherdError {
  const cause = { cause: err };
  switch (err.code) {
    case JetStreamApiCodes.StreamNotFound:
      return new NoStreamError(`stream ${ctx.stream ?? '?'} does not exist`, cause);
    case API.subjectsOverlap:
    case API.streamNameInUse:
      return new StreamConflictError(`stream ${ctx.stream ?? '?'}: ${err.message}`, cause);
    case API.filterNotSubset:
      return new InvalidSubjectError(`filter subject is not within the subjects of stream ${ctx.stream ?? '?'}`, cause);
    default:
      return new BusUnavailableError(`${ctx.operation} failed: ${err.message} (JetStream code ${err.code})`, cause);
  }
}

function isNoResponders(err: unknown): boolean {
  return err instanceof errors.RequestError && err.isNoResponders();
}

function onSubject(ctx: ErrorContext): string {
  return ctx.subject === undefined ? '' : ` on '${ctx.subject}'`;
}
