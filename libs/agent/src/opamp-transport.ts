import type { IAgentToServer, ServerToAgent } from '@shepherd/proto';
import type { AgentLogger } from './agent-logger.js';
import type { BuiltMessage, ReportPart } from './status-report.js';
import type { TlsMaterial } from './tls-options.js';

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

/** The client as seen by its transport. */
export interface TransportHost {
  /** The next AgentToServer (status compression and sequence number applied). */
  build(opts: { readonly full?: boolean; readonly disconnect?: boolean }): BuiltMessage;
  /** True when something changed that has not been sent yet. */
  hasPending(): boolean;
  /** Parts of a message that may not have arrived: send them again. */
  requeue(parts: readonly ReportPart[]): void;
  /** A message went out (for observers; the wire bytes are already written). */
  onSent(message: IAgentToServer): void;
  onReply(message: ServerToAgent): ReplyAction;
  onConnected(): void;
  onDisconnected(reason: string): void;
  onConnectFailed(failure: ConnectFailure): void;
  /** The wait before the next attempt was chosen. */
  onRetryScheduled(delayMs: number, reason: 'backoff' | 'retry-after'): void;
}

/** Settings shared by both transports. */
export interface TransportSettings {
  readonly endpoint: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly tls: TlsMaterial;
  readonly reconnect: { readonly initialMs: number; readonly maxMs: number };
  /** Plain HTTP: the polling interval while there is nothing to say. */
  readonly pollIntervalMs: number;
  readonly logger: AgentLogger;
  /** Uniform in [0, 1) for the backoff jitter. */
  readonly random?: () => number;
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
