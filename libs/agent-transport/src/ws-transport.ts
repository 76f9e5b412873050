import type { ClientRequest, IncomingMessage } from 'node:http';
import { WebSocket, type RawData } from 'ws';
import { decodeServerToAgent, decodeWsFrame, encodeAgentToServer, encodeWsFrame } from '@shepherd/proto';
import { FullJitterBackoff } from './full-jitter-backoff.js';
import { MAX_MESSAGE_BYTES, currentEndpoint, type OpampTransport, type TransportHost, type TransportSettings } from './opamp-transport.js';
import { boundedRetryAfterHeaderMs } from './retry-after.js';
import type { BuiltMessage } from './status-report.js';

/** How long stop() waits for the server's Close frame before dropping the socket. */
const CLOSE_TIMEOUT_MS = 3_000;
/** Upgrade handshake deadline. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/**
 * Period of WebSocket pings; a socket that answers no ping within one period
 * is dropped. Catches a server that vanished without closing (the spec
 * leaves pings to the implementation; without them a half-open socket would
 * leave the agent waiting forever).
 */
const KEEPALIVE_MS = 30_000;

/**
 * OpAMP over WebSocket (wire-facts §6.2): the agent speaks first on every
 * new connection with a full status report, then sends whenever something
 * changes; the server may push at any time. A lost connection is retried
 * with full-jitter backoff; a refused upgrade with Retry-After (503/429) or
 * an Unavailable reply with retry_info waits as long as the server asked.
 */
export class WsTransport implements OpampTransport {
  readonly #host: TransportHost;
  readonly #settings: TransportSettings;
  readonly #backoff: FullJitterBackoff;
  #ws: WebSocket | undefined;
  #open = false;
  #stopped = false;
  #retryAfterMs: number | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #keepaliveTimer: NodeJS.Timeout | undefined;
  #awaitingPong = false;

  constructor(host: TransportHost, settings: TransportSettings) {
    this.#host = host;
    this.#settings = settings;
    this.#backoff = new FullJitterBackoff(settings.reconnect, settings.random);
  }

  start(): void {
    this.#connect();
  }

  kick(): void {
    if (this.#open && this.#host.hasPending()) this.#send(this.#host.build({}));
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#keepaliveTimer);
    const ws = this.#ws;
    if (ws === undefined || ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    if (this.#open) {
      // The spec's order for a client-initiated close: agent_disconnect, then the Close frame.
      this.#send(this.#host.build({ disconnect: true }));
      ws.close(1000, 'agent stopping');
      const timer = setTimeout(() => ws.terminate(), CLOSE_TIMEOUT_MS);
      await closed;
      clearTimeout(timer);
    } else {
      ws.terminate();
      await closed;
    }
  }

  #connect(): void {
    const { headers, tls } = this.#settings;
    const ws = new WebSocket(currentEndpoint(this.#settings), {
      headers: { ...headers },
      perMessageDeflate: false,
      maxPayload: MAX_MESSAGE_BYTES,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      ...tls,
    });
    this.#ws = ws;
    ws.binaryType = 'nodebuffer';
    ws.on('open', () => this.#onOpen());
    ws.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(data, isBinary));
    ws.on('pong', () => (this.#awaitingPong = false));
    let refused = false;
    ws.on('unexpected-response', (req: ClientRequest, res: IncomingMessage) => {
      refused = true;
      this.#onRefused(ws, req, res);
    });
    ws.on('error', (error: Error) => {
      // A refused upgrade was reported with its status already; the abort's error adds nothing.
      if (!this.#open && !this.#stopped && !refused) this.#host.onConnectFailed({ error });
    });
    ws.on('close', (code: number, reason: Buffer) => this.#onClose(code, reason.toString()));
  }

  /** The server answered the upgrade with an HTTP status: 401, or 503/429 with Retry-After (§6.7). */
  #onRefused(ws: WebSocket, req: ClientRequest, res: IncomingMessage): void {
    const status = res.statusCode ?? 0;
    const retryAfterMs = status === 503 || status === 429 ? boundedRetryAfterHeaderMs(res.headers['retry-after'], this.#settings.maxRetryAfterMs) : undefined;
    this.#retryAfterMs = retryAfterMs;
    res.resume();
    req.destroy();
    this.#host.onConnectFailed({
      error: new Error(`OpAMP server refused the WebSocket upgrade with HTTP ${status}`),
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
    ws.terminate();
  }

  #onOpen(): void {
    this.#open = true;
    this.#backoff.reset();
    this.#host.onConnected();
    this.#startKeepalive();
    // The client speaks first, with everything: the server may have lost our state in between.
    this.#send(this.#host.build({ full: true }));
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (!isBinary) {
      this.#host.onProtocolError('server sent a text WebSocket message; OpAMP uses binary messages only');
      return;
    }
    let action;
    try {
      const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
      action = this.#host.onReply(decodeServerToAgent(decodeWsFrame(bytes, { allowLegacy: false })));
    } catch (err) {
      this.#host.onProtocolError(`undecodable ServerToAgent: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (action.kind === 'unavailable') {
      this.#retryAfterMs = action.retryAfterMs;
      this.#send(this.#host.build({ disconnect: true }));
      this.#ws?.close(1000, 'server unavailable');
    }
  }

  #onClose(code: number, reason: string): void {
    const wasOpen = this.#open;
    this.#open = false;
    clearInterval(this.#keepaliveTimer);
    if (wasOpen) this.#host.onDisconnected(`WebSocket closed (${code}${reason === '' ? '' : ` ${reason}`})`, { code, reason });
    if (this.#stopped) return;
    const retryAfter = this.#retryAfterMs;
    this.#retryAfterMs = undefined;
    const delay = retryAfter ?? this.#backoff.next();
    this.#host.onRetryScheduled(delay, retryAfter === undefined ? 'backoff' : 'retry-after');
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  #startKeepalive(): void {
    this.#awaitingPong = false;
    clearInterval(this.#keepaliveTimer);
    this.#keepaliveTimer = setInterval(() => {
      const ws = this.#ws;
      if (ws === undefined || !this.#open) return;
      if (this.#awaitingPong) {
        this.#host.onProtocolError(`server did not answer a WebSocket ping within ${KEEPALIVE_MS} ms; reconnecting`);
        ws.terminate();
        return;
      }
      this.#awaitingPong = true;
      ws.ping();
    }, KEEPALIVE_MS);
  }

  #send(built: BuiltMessage): void {
    const ws = this.#ws;
    if (ws === undefined || ws.readyState !== WebSocket.OPEN) {
      this.#host.requeue(built.parts);
      return;
    }
    const bytes = encodeAgentToServer(built.message);
    ws.send(encodeWsFrame(bytes), { binary: true }, (err) => {
      if (err) this.#host.requeue(built.parts);
    });
    this.#host.onSent(built.message, bytes);
  }
}
