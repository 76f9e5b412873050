import {
  HttpTransport,
  WsTransport,
  type BuiltMessage,
  type OpampTransport,
  type ReplyAction,
  type TransportHost,
  type TransportSettings,
} from '@shepherd/agent-transport';
import type { IAgentToServer, ServerToAgent } from '@shepherd/proto';
import type { AgentReport } from './agent-report.js';
import { EndpointRing } from './endpoint-ring.js';
import type { FakeAgentSettings } from './fake-agent-options.js';

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

/** The agent as seen by its driver. */
export interface DriverHost {
  readonly settings: FakeAgentSettings;
  readonly report: AgentReport;
  /** True when the agent currently declares ReportsHeartbeat. */
  sendsHeartbeats(): boolean;
  /** A message went out: its encoded AgentToServer (history only). */
  onSent(bytes: Uint8Array): void;
  /** The server has every state change up to `version` (WS: written; HTTP: answered 200 without Unavailable). */
  onDelivered(version: number): void;
  handleReply(message: ServerToAgent): ReplyAction;
  onConnected(endpoint: string): void;
  onDisconnected(info: DisconnectInfo): void;
  onConnectError(info: ConnectErrorInfo): void;
  onViolation(text: string): void;
}

/**
 * Runs the agent's own transport (@shepherd/agent-transport: WebSocket or
 * plain HTTP, backoff, Retry-After, agent_disconnect) for the FakeAgent,
 * adding what only a test agent does: failing over along a list of
 * endpoints, WebSocket heartbeats, compressing the first report after a
 * reconnect when asked to, and telling when a state change reached the server.
 */
export class AgentDriver {
  readonly #host: DriverHost;
  readonly #ring: EndpointRing;
  readonly #transport: OpampTransport;
  /** State version of every message built, to report delivery when it is sent or answered. */
  readonly #versions = new WeakMap<IAgentToServer, number>();
  #lastSentVersion: number | undefined;
  #connections = 0;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(host: DriverHost) {
    this.#host = host;
    const { settings } = host;
    this.#ring = new EndpointRing(settings.endpoints, settings.transport);
    const transportSettings: TransportSettings = {
      endpoint: () => this.#ring.current,
      headers: settings.token === undefined ? {} : { Authorization: `Bearer ${settings.token}` },
      tls: { rejectUnauthorized: true },
      reconnect: { initialMs: settings.reconnectMinMs, maxMs: settings.reconnectMaxMs },
      pollIntervalMs: settings.pollMs,
      maxRetryAfterMs: settings.maxRetryAfterMs,
      gzip: settings.gzip,
      instanceUidHeader: settings.sendInstanceUidHeader,
    };
    const transportHost = this.#transportHost();
    this.#transport = settings.transport === 'websocket' ? new WsTransport(transportHost, transportSettings) : new HttpTransport(transportHost, transportSettings);
  }

  /** Connects (WS) or starts polling (HTTP). */
  start(): void {
    this.#transport.start();
  }

  /** Something changed: send it now if the transport allows. */
  kick(): void {
    if (!this.#stopped) this.#transport.kick();
  }

  /** Sends agent_disconnect when connected, closes, and clears every timer. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#heartbeatTimer);
    await this.#transport.stop();
  }

  #build(opts: { readonly full?: boolean; readonly disconnect?: boolean }): BuiltMessage {
    const { transport, compressOnReconnect } = this.#host.settings;
    // The transport asks for the full state on every new socket; this option leaves it out after the first.
    const compress = transport === 'websocket' && compressOnReconnect && this.#connections > 1;
    const built = this.#host.report.build({ ...opts, full: opts.full === true && !compress });
    this.#versions.set(built.message, built.version);
    return built;
  }

  #onSent(message: IAgentToServer, bytes: Uint8Array): void {
    this.#host.onSent(bytes);
    const version = this.#versions.get(message);
    if (this.#host.settings.transport === 'http') {
      this.#lastSentVersion = version;
      return;
    }
    if (version !== undefined) this.#host.onDelivered(version);
    this.#armHeartbeat();
  }

  #onReply(message: ServerToAgent): ReplyAction {
    const action = this.#host.handleReply(message);
    // HTTP answers one message at a time: an accepted answer acknowledges the last one sent.
    if (action.kind === 'ok' && this.#lastSentVersion !== undefined) this.#host.onDelivered(this.#lastSentVersion);
    return action;
  }

  #armHeartbeat(): void {
    clearTimeout(this.#heartbeatTimer);
    const { heartbeatMs } = this.#host.settings;
    if (heartbeatMs === 0 || this.#stopped || !this.#host.sendsHeartbeats()) return;
    this.#heartbeatTimer = setTimeout(() => {
      this.#host.report.requestHeartbeat();
      this.#transport.kick();
    }, heartbeatMs);
  }

  #transportHost(): TransportHost {
    const host = this.#host;
    return {
      build: (opts) => this.#build(opts),
      hasPending: () => host.report.hasPending(),
      requeue: (parts) => host.report.requeue(parts),
      onSent: (message, bytes) => this.#onSent(message, bytes),
      onReply: (message) => this.#onReply(message),
      onConnected: () => {
        this.#connections += 1;
        host.onConnected(this.#ring.current);
      },
      onDisconnected: (_reason, close) => {
        clearTimeout(this.#heartbeatTimer);
        host.onDisconnected({ endpoint: this.#ring.current, ...(close === undefined ? {} : { code: close.code, reason: close.reason }) });
      },
      onConnectFailed: (failure) => {
        const { error, status } = failure;
        host.onConnectError({ endpoint: this.#ring.current, error, ...(status === undefined ? {} : { status }) });
      },
      onRetryScheduled: () => void this.#ring.advance(),
      onProtocolError: (problem) => host.onViolation(problem),
    };
  }
}
