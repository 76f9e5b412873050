import { decodeAgentFrame, errorReply } from '@shepherd/opamp-core';
import { encodePlainServerToAgent, encodeServerToAgent, encodeWsFrame, ServerErrorResponseType, type IServerToAgent } from '@shepherd/proto';
import { WebSocket, type RawData } from 'ws';
import type { AgentEntry } from './agent-entry.js';
import type { AgentConnection, AgentHub } from './agent-hub.js';
import type { GatewayPrincipal } from './authenticator.js';
import { newHolderId } from './holder-ids.js';
import { jitteredRetryMs } from './retry-after.js';

const BadRequest = ServerErrorResponseType.ServerErrorResponseType_BadRequest;
const Unavailable = ServerErrorResponseType.ServerErrorResponseType_Unavailable;

/** `ws` raises this code when a message exceeds maxPayload; it then closes with 1009 (§7.9). */
const WS_TOO_LARGE = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/** Frames a paused connection holds before it answers Unavailable instead (pausing stops further reads soon). */
const MAX_HELD_FRAMES = 8;

/**
 * One accepted OpAMP WebSocket: decodes each binary message (header rules
 * §7.6-§7.8), hands it to the hub and sends the answer at once; pushes
 * deliveries; answers liveness pings; enforces the outgoing size limit
 * (§7.10). Several agents may share it (§7.45).
 */
export class WsAgentConnection implements AgentConnection {
  readonly id = newHolderId('ws');
  readonly agents = new Map<string, AgentEntry>();
  /** False while a ping is unanswered. */
  #alive = true;
  /** A frame arrived since the last liveness period: the peer is alive without a ping. */
  #heard = false;
  #closing = false;
  /** Frames received while the gateway's publishes were at their bound; the socket is paused meanwhile. */
  #held: Array<{ readonly data: RawData; readonly isBinary: boolean }> = [];

  constructor(
    private readonly socket: WebSocket,
    private readonly principal: GatewayPrincipal,
    private readonly hub: AgentHub,
  ) {
    socket.on('message', (data, isBinary) => this.#receive(data, isBinary));
    socket.on('pong', () => (this.#alive = true));
    socket.on('error', (err: Error & { code?: string }) => {
      const tooLarge = err.code === WS_TOO_LARGE;
      hub.metrics.errors.inc({ code: tooLarge ? 'too_large' : 'websocket_protocol' });
      hub.options.logger.debug({ err, connection: this.id }, 'websocket error');
    });
    socket.on('close', (code) => hub.connectionClosed(this, `socket closed (${code})`));
  }

  /** True once the gateway started closing this connection. */
  get closing(): boolean {
    return this.#closing;
  }

  send(message: IServerToAgent, type: 'reply' | 'push' | 'error'): boolean {
    let payload: Uint8Array;
    try {
      payload = encodeServerToAgent(message);
    } catch (err) {
      this.hub.metrics.errors.inc({ code: 'encode_failed' });
      this.hub.options.logger.error({ err, connection: this.id }, 'could not encode a ServerToAgent');
      return false;
    }
    return this.sendEncoded(payload, type);
  }

  sendEncoded(payload: Uint8Array, type: 'reply' | 'push' | 'error'): boolean {
    const { metrics, options } = this.hub;
    const reason =
      payload.length + 1 > options.maxMessageBytes
        ? 'outgoing_too_large'
        : this.socket.readyState !== WebSocket.OPEN
          ? 'socket_not_open'
          : this.socket.bufferedAmount > options.maxBufferedBytes
            ? 'slow_consumer'
            : undefined;
    if (reason !== undefined) {
      metrics.drops.inc({ reason });
      if (reason !== 'socket_not_open') options.logger.warn({ connection: this.id, bytes: payload.length, reason }, 'ServerToAgent dropped');
      return false;
    }
    this.socket.send(encodeWsFrame(payload), { binary: true });
    metrics.perMessage.websocket.messagesOut[type].inc();
    metrics.perMessage.websocket.bytesOut.inc(payload.length + 1);
    return true;
  }

  close(code: number, reason: string): void {
    if (this.#closing) return;
    this.#closing = true;
    this.socket.close(code, reason);
  }

  /** Cuts the TCP connection without a closing handshake (dead peer, drain deadline); its agents leave at once. */
  terminate(reason = 'terminated'): void {
    this.#closing = true;
    this.socket.terminate();
    this.hub.connectionClosed(this, reason);
  }

  /**
   * One liveness period: a connection that sent anything during it needs no ping (an agent's
   * heartbeats prove it alive, and a ping would cost a write and a read per agent per period);
   * a silent one is pinged, and terminated when it did not answer the previous ping.
   */
  heartbeat(): void {
    // A paused socket reads no pongs either; it is not dead for that.
    if (this.#held.length > 0) return;
    if (this.#heard) {
      this.#heard = false;
      this.#alive = true;
      return;
    }
    if (!this.#alive) {
      this.hub.metrics.drops.inc({ reason: 'missed_pong' });
      this.terminate('missed pong');
      return;
    }
    this.#alive = false;
    if (this.socket.readyState === WebSocket.OPEN) this.socket.ping();
  }

  /**
   * While the gateway's bus publishes are at their bound, stops reading this socket (TCP then
   * slows the agent down) and holds what already arrived, in order, until there is room again:
   * better than telling every agent to come back in 30-60 s, which closes its connection. Beyond
   * {@link MAX_HELD_FRAMES} frames the agent is told to retry later after all.
   */
  #receive(data: RawData, isBinary: boolean): void {
    if (this.#held.length === 0 && !this.hub.publisher.saturated) return this.#onMessage(data, isBinary);
    if (this.#held.length >= MAX_HELD_FRAMES) return this.#refuse(data);
    this.#held.push({ data, isBinary });
    if (this.#held.length > 1) return;
    this.socket.pause();
    this.hub.metrics.protocol.inc({ event: 'reads_paused' });
    void this.hub.publisher.whenRoom().then(() => this.#drainHeld());
  }

  /** Tells the agent to retry a frame later without handling it: the frames held before it go first. */
  #refuse(data: RawData): void {
    const decoded = decodeAgentFrame(toBytes(data));
    this.hub.metrics.errors.inc({ code: 'overloaded' });
    const retryMs = jitteredRetryMs(this.hub.options.retryAfterSeconds);
    this.send(errorReply(decoded.ok ? decoded.message.instanceUid : undefined, Unavailable, 'gateway overloaded; retry later', retryMs), 'error');
  }

  /** Hands the held frames on in order while there is room; waits again when the bound is met again. */
  #drainHeld(): void {
    if (this.socket.readyState !== WebSocket.OPEN) {
      this.#held = [];
      return;
    }
    while (this.#held.length > 0) {
      // Many paused connections wake together; one that finds the bound met again keeps waiting.
      if (this.hub.publisher.saturated) {
        void this.hub.publisher.whenRoom().then(() => this.#drainHeld());
        return;
      }
      const frame = this.#held.shift() as { data: RawData; isBinary: boolean };
      this.#onMessage(frame.data, frame.isBinary);
    }
    this.socket.resume();
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    this.#heard = true;
    const { metrics } = this.hub;
    if (this.#closing) {
      // The agents were told to go away; what they still send before the Close frame is not served.
      metrics.drops.inc({ reason: 'connection_closing' });
      return;
    }
    const frame = toBytes(data);
    metrics.perMessage.websocket.messagesIn.inc();
    metrics.perMessage.websocket.bytesIn.inc(frame.length);
    if (!isBinary) {
      metrics.errors.inc({ code: 'bad_request' });
      this.send(errorReply(undefined, BadRequest, 'OpAMP WebSocket messages must be binary'), 'error');
      return;
    }
    const decoded = decodeAgentFrame(frame);
    if (!decoded.ok) {
      metrics.errors.inc({ code: 'bad_request' });
      this.hub.options.logger.debug({ connection: this.id, problem: decoded.error.message }, 'malformed AgentToServer');
      this.send(decoded.reply, 'error');
      return;
    }
    const uidBytes = decoded.message.instanceUid;
    const result = this.hub.handle({ kind: 'websocket', connection: this }, decoded, decoded.payload, this.principal);
    if (result.kind === 'overloaded') {
      const retryMs = jitteredRetryMs(this.hub.options.retryAfterSeconds);
      this.send(errorReply(uidBytes, Unavailable, 'gateway overloaded; retry later', retryMs), 'error');
    } else if (result.kind === 'full') {
      const max = this.hub.options.maxAgentsPerConnection;
      this.send(errorReply(uidBytes, BadRequest, `this connection already carries ${max} agents`), 'error');
    } else if (result.plain === true && result.entry !== undefined) {
      this.sendEncoded(encodePlainServerToAgent(result.entry.uidBytes, this.hub.options.serverCapabilities), 'reply');
    } else {
      this.send(result.reply, result.error === undefined ? 'reply' : 'error');
    }
  }
}
