import type { IAgentToServer, ServerToAgent } from '@shepherd/proto';
import type { BuiltMessage, ReportPart } from './status-report.js';

/** What the client makes of one ServerToAgent, for the transport to act on. */
export type ReplyAction =
  | { readonly kind: 'ok' }
  /** Throttled (wire-facts §6.7): disconnect, wait `retryAfterMs` (or back off when undefined), come back. */
  | { readonly kind: 'unavailable'; readonly retryAfterMs: number | undefined };

/** Why a connection attempt or an HTTP exchange failed. */
export interface ConnectFailure {
  readonly error: Error;
  /** HTTP status of a refused upgrade or POST, when there was one. */
  readonly status?: number;
  /** The wait the server asked for (Retry-After), when it did. */
  readonly retryAfterMs?: number;
}

/** The Close frame that ended a WebSocket connection. */
export interface WsCloseInfo {
  readonly code: number;
  readonly reason: string;
}

/** TLS material for the OpAMP connection (`https://` and `wss://`). */
export interface TlsMaterial {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  /** false only when the operator asked for an insecure connection. */
  readonly rejectUnauthorized: boolean;
}

/** The client as seen by its transport. */
export interface TransportHost {
  /**
   * The next AgentToServer (status compression and sequence number applied).
   * `full` asks for every part: on a new WebSocket connection, and on the
   * first HTTP request and the first after a failure.
   */
  build(opts: { readonly full?: boolean; readonly disconnect?: boolean }): BuiltMessage;
  /** True when something changed that has not been sent yet. */
  hasPending(): boolean;
  /** Parts of a message that may not have arrived: send them again. */
  requeue(parts: readonly ReportPart[]): void;
  /**
   * A message went out (for observers; the wire bytes are already written).
   * `bytes` is the encoded AgentToServer as sent, before WebSocket framing or gzip.
   */
  onSent(message: IAgentToServer, bytes: Uint8Array): void;
  onReply(message: ServerToAgent): ReplyAction;
  onConnected(): void;
  /** `close` is the Close frame's code and reason when a WebSocket closed (absent over HTTP). */
  onDisconnected(reason: string, close?: WsCloseInfo): void;
  onConnectFailed(failure: ConnectFailure): void;
  /** The wait before the next attempt was chosen. */
  onRetryScheduled(delayMs: number, reason: 'backoff' | 'retry-after'): void;
  /**
   * The server broke a protocol rule that the transport tolerates (a text
   * WebSocket message, an undecodable message, an unanswered ping, a reply
   * with the wrong Content-Type or an encoding the agent did not accept, a
   * 413): one readable sentence, for logs or a test's record.
   */
  onProtocolError(problem: string): void;
}

/** Settings shared by both transports. */
export interface TransportSettings {
  /**
   * Where to connect. A function is asked again before every connection
   * attempt (WebSocket) and every POST (HTTP), so a caller can move between
   * endpoints, e.g. from {@link TransportHost.onRetryScheduled}.
   */
  readonly endpoint: string | (() => string);
  readonly headers: Readonly<Record<string, string>>;
  readonly tls: TlsMaterial;
  readonly reconnect: { readonly initialMs: number; readonly maxMs: number };
  /** Plain HTTP: the polling interval while there is nothing to say. */
  readonly pollIntervalMs: number;
  /** Uniform in [0, 1) for the backoff jitter. */
  readonly random?: () => number;
  /** Longest Retry-After wait honoured (upgrade refusals and POSTs); default and upper bound {@link MAX_RETRY_AFTER_MS}. */
  readonly maxRetryAfterMs?: number;
  /** Plain HTTP: gzip request bodies and send `Accept-Encoding: gzip`. Default false. */
  readonly gzip?: boolean;
  /**
   * Plain HTTP: send the `OpAMP-Instance-UID` header. Default true; false
   * behaves like clients that predate the header (the Elastic client does),
   * for interoperability tests.
   */
  readonly instanceUidHeader?: boolean;
}

/** One way of carrying OpAMP messages (WebSocket or plain HTTP). */
export interface OpampTransport {
  /** Connects (WebSocket) or starts polling (HTTP); returns at once. */
  start(): void;
  /** Something changed: send it as soon as the transport allows. */
  kick(): void;
  /** Sends agent_disconnect when connected, closes, clears every timer. Idempotent. */
  stop(): Promise<void>;
}

/** Most bytes accepted in one ServerToAgent (the spec's recommended limit). */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** The endpoint to use now. */
export function currentEndpoint(settings: TransportSettings): string {
  return typeof settings.endpoint === 'string' ? settings.endpoint : settings.endpoint();
}
