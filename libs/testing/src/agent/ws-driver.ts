import { WebSocket, type RawData } from 'ws';
import { decodeServerToAgent, decodeWsFrame, encodeAgentToServer, encodeWsFrame } from '@shepherd/proto';
import type { AgentDriver, DriverHost } from './agent-driver.js';
import type { BuiltReport } from './agent-report.js';
import { Backoff } from './backoff.js';
import { EndpointRing } from './endpoint-ring.js';

/** How long stop() waits for the server's Close frame before dropping the socket. */
const CLOSE_TIMEOUT_MS = 2000;
const MAX_PAYLOAD = 64 * 1024 * 1024;

/**
 * OpAMP over WebSocket (wire-facts §6.2): the agent speaks first with a
 * status report, then heartbeats; the server may push at any time.
 * Unavailable replies and closes lead to a reconnect to the next endpoint.
 */
export class WsDriver implements AgentDriver {
  readonly #host: DriverHost;
  readonly #ring: EndpointRing;
  readonly #backoff: Backoff;
  #ws: WebSocket | undefined;
  #open = false;
  #everOpened = false;
  #stopped = false;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #retryAfterMs: number | undefined;

  constructor(host: DriverHost) {
    this.#host = host;
    this.#ring = new EndpointRing(host.settings.endpoints, 'websocket');
    this.#backoff = new Backoff(host.settings.reconnectMinMs, host.settings.reconnectMaxMs);
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
    clearTimeout(this.#heartbeatTimer);
    const ws = this.#ws;
    if (ws === undefined || ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    if (this.#open) {
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
    const endpoint = this.#ring.current;
    const headers: Record<string, string> = {};
    if (this.#host.settings.token !== undefined) headers['Authorization'] = `Bearer ${this.#host.settings.token}`;
    const ws = new WebSocket(endpoint, { headers, perMessageDeflate: false, maxPayload: MAX_PAYLOAD });
    this.#ws = ws;
    ws.binaryType = 'nodebuffer';
    ws.on('open', () => this.#onOpen(endpoint));
    ws.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(data, isBinary));
    ws.on('error', (error: Error) => {
      if (this.#open) return;
      // ws reports a refused upgrade only through this message; it is documented behaviour.
      const status = /Unexpected server response: (\d+)/.exec(error.message)?.[1];
      this.#host.onConnectError({ endpoint, error, ...(status === undefined ? {} : { status: Number(status) }) });
    });
    ws.on('close', (code: number, reason: Buffer) => this.#onClose(endpoint, code, reason.toString()));
  }

  #onOpen(endpoint: string): void {
    this.#open = true;
    this.#backoff.reset();
    this.#host.onConnected(endpoint);
    const full = !(this.#everOpened && this.#host.settings.compressOnReconnect);
    this.#everOpened = true;
    this.#send(this.#host.build({ full }));
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (!isBinary) {
      this.#host.onViolation('server sent a text WebSocket message; OpAMP uses binary messages only');
      return;
    }
    let verdict;
    try {
      const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
      verdict = this.#host.handleReply(decodeServerToAgent(decodeWsFrame(bytes, { allowLegacy: false })));
    } catch (err) {
      this.#host.onViolation(`undecodable ServerToAgent: ${(err as Error).message}`);
      return;
    }
    if (verdict.kind === 'unavailable') {
      this.#retryAfterMs = verdict.retryAfterMs;
      // The spec's order for a client-initiated close: agent_disconnect, then the Close frame.
      this.#send(this.#host.build({ disconnect: true }));
      this.#ws?.close(1000, 'server unavailable');
    }
  }

  #onClose(endpoint: string, code: number, reason: string): void {
    const wasOpen = this.#open;
    this.#open = false;
    clearTimeout(this.#heartbeatTimer);
    if (wasOpen) this.#host.onDisconnected({ endpoint, code, reason });
    if (this.#stopped) return;
    const delay = this.#retryAfterMs ?? this.#backoff.next();
    this.#retryAfterMs = undefined;
    this.#ring.advance();
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  #send(built: BuiltReport): void {
    const ws = this.#ws;
    if (ws === undefined || ws.readyState !== WebSocket.OPEN) {
      this.#host.requeue(built.parts);
      return;
    }
    const bytes = encodeAgentToServer(built.message);
    ws.send(encodeWsFrame(bytes), { binary: true }, (err) => {
      if (err) this.#host.requeue(built.parts);
      else {
        this.#host.onSent(built, bytes);
        this.#host.onDelivered(built);
      }
    });
    this.#armHeartbeat();
  }

  #armHeartbeat(): void {
    clearTimeout(this.#heartbeatTimer);
    const { heartbeatMs } = this.#host.settings;
    if (heartbeatMs === 0 || this.#stopped || !this.#host.sendsHeartbeats()) return;
    this.#heartbeatTimer = setTimeout(() => {
      if (this.#open) this.#send(this.#host.build({}));
    }, heartbeatMs);
  }
}
