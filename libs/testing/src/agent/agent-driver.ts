import type { ServerToAgent } from '@shepherd/proto';
import type { BuiltReport, ReportPart } from './agent-report.js';
import type { FakeAgentSettings } from './fake-agent-options.js';

/** What the agent makes of one ServerToAgent, for the transport to act on. */
export type ReplyVerdict =
  | { readonly kind: 'ok' }
  | { readonly kind: 'bad-request' }
  /** Throttled: disconnect/wait `retryAfterMs` (already capped), or back off when undefined. */
  | { readonly kind: 'unavailable'; readonly retryAfterMs: number | undefined };

/** A connection event, as the FakeAgent reports it. */
export interface DisconnectInfo {
  readonly endpoint: string;
  /** WebSocket close code, when the socket closed. */
  readonly code?: number;
  readonly reason?: string;
}

/** A failed connection attempt or HTTP exchange. */
export interface ConnectErrorInfo {
  readonly endpoint: string;
  /** HTTP status of a refused upgrade or a failed POST (e.g. 401, 503). */
  readonly status?: number;
  readonly error: Error;
}

/** The agent as seen by its transport driver. */
export interface DriverHost {
  readonly settings: FakeAgentSettings;
  /** True when the agent currently declares ReportsHeartbeat. */
  sendsHeartbeats(): boolean;
  build(opts: { full?: boolean; disconnect?: boolean }): BuiltReport;
  hasPending(): boolean;
  requeue(parts: readonly ReportPart[]): void;
  /** The message went out on the wire (history only). */
  onSent(built: BuiltReport, bytes: Uint8Array): void;
  /** The server has the message (WS: written; HTTP: answered 200 without Unavailable). */
  onDelivered(built: BuiltReport): void;
  handleReply(message: ServerToAgent): ReplyVerdict;
  onConnected(endpoint: string): void;
  onDisconnected(info: DisconnectInfo): void;
  onConnectError(info: ConnectErrorInfo): void;
  onViolation(text: string): void;
}

/** One transport (WebSocket or plain HTTP) driving the exchange. */
export interface AgentDriver {
  /** Connects (WS) or starts polling (HTTP). */
  start(): void;
  /** Something changed: send it now if the transport allows. */
  kick(): void;
  /** Sends agent_disconnect when connected, closes, and clears every timer. */
  stop(): Promise<void>;
}
