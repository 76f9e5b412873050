import { decodeWsFrame, encodeWsFrame } from '@shepherd/proto';
import { WebSocket, type RawData } from 'ws';
import { fullReport, heartbeat, onServerMessage, type FleetDescription, type SimAgentState } from './agent-messages.js';
import type { LoadgenStats, SentType } from './loadgen-stats.js';
import { decodeServerMessage } from './lean-codec.js';
import { sourceAddressOf } from './source-addresses.js';
import { reconnectUrl } from './url-choice.js';

const MAX_PAYLOAD = 64 * 1024 * 1024;
const HANDSHAKE_TIMEOUT_MS = 30_000;

/** What every simulated agent of a process shares. */
export interface SimRuntime {
  readonly urls: readonly string[];
  /** Index into `urls` of agent `index`'s first connection (the process's deterministic, weighted spread). */
  firstUrl(index: number): number;
  /**
   * Uniform in [0, 1): picks reconnection endpoints and backoff jitter. Math.random in a run
   * (the run seed names agents; reconnect order depends on timing, so seeding would not make a
   * run repeatable), replaceable in tests.
   */
  readonly random: () => number;
  readonly sourceAddresses: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly fleet: FleetDescription;
  readonly stats: LoadgenStats;
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
  /** True once the run is ending: closed agents stay closed. */
  isStopping(): boolean;
}

function bytesOf(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/**
 * One simulated agent on its own WebSocket: full report on every (re)connect,
 * heartbeats when the process's schedule says so, APPLIED for every new
 * remote config, reconnect with jittered exponential backoff (or after the
 * server's retry hint). The first connection goes to `rt.firstUrl(index)`;
 * every reconnection to a uniformly random endpoint other than the one whose
 * connection just failed or closed (see {@link reconnectUrl}), so the agents
 * of a dead gateway spread evenly over the others, as behind a load
 * balancer. No timer of its own while connected: the process drives
 * heartbeats for all agents from one tick.
 */
export class WsSimAgent {
  #ws: WebSocket | undefined;
  #open = false;
  /** Index into `rt.urls` of the current (or last) connection; -1 before the first. */
  #url = -1;
  #failures = 0;
  #awaiting = 0;
  #sentAt = 0;
  #retryAfterMs: number | undefined;
  #reconnect: NodeJS.Timeout | undefined;

  constructor(
    readonly state: SimAgentState,
    private readonly rt: SimRuntime,
  ) {}

  get open(): boolean {
    return this.#open;
  }

  /** Opens the first connection, or a reconnection to another endpoint. */
  connect(): void {
    const { urls, headers, sourceAddresses, stats } = this.rt;
    this.#url = this.#url < 0 ? this.rt.firstUrl(this.state.index) : reconnectUrl(urls.length, this.#url, this.rt.random);
    const ws = new WebSocket(urls[this.#url]!, {
      headers,
      perMessageDeflate: false,
      maxPayload: MAX_PAYLOAD,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      localAddress: sourceAddressOf(this.state.index, sourceAddresses),
    });
    this.#ws = ws;
    stats.connecting += 1;
    ws.on('open', () => this.#onOpen());
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    // Every failure also ends in 'close', where it is counted and retried.
    ws.on('error', () => undefined);
    ws.on('close', () => this.#onClose());
  }

  /** Sends the periodic heartbeat (or the full report the server asked for). */
  heartbeat(): void {
    if (!this.#open) return;
    if (this.state.fullPending) this.#send(fullReport(this.state, this.rt.fleet), 'full');
    else this.#send(heartbeat(this.state), 'heartbeat');
  }

  /** Closes the connection (Close frame) and cancels any reconnect. */
  stop(): void {
    clearTimeout(this.#reconnect);
    const ws = this.#ws;
    if (ws === undefined) return;
    if (this.#open) ws.close(1000, 'loadgen stopping');
    else ws.terminate();
  }

  /** Drops the TCP connection at once (used when the close handshake takes too long). */
  terminate(): void {
    clearTimeout(this.#reconnect);
    this.#ws?.terminate();
  }

  #onOpen(): void {
    const { stats } = this.rt;
    stats.connecting -= 1;
    stats.connected += 1;
    this.#open = true;
    this.#failures = 0;
    this.#awaiting = 0;
    this.state.fullPending = true;
    this.#send(fullReport(this.state, this.rt.fleet), 'full');
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    const { stats, fleet } = this.rt;
    if (!isBinary) return;
    const pushed = this.#awaiting === 0;
    if (!pushed) {
      this.#awaiting -= 1;
      stats.recordLatency(performance.now() - this.#sentAt);
    }
    let outcome;
    try {
      outcome = onServerMessage(this.state, fleet, decodeServerMessage(decodeWsFrame(bytesOf(data), { allowLegacy: true })), pushed);
    } catch {
      stats.received.error += 1;
      return;
    }
    stats.received[outcome.kind] += 1;
    if (outcome.retryAfterMs !== undefined) {
      this.#retryAfterMs = outcome.retryAfterMs;
      this.#ws?.close(1000, 'server unavailable');
      return;
    }
    if (outcome.send === undefined) return;
    this.#send(outcome.send, outcome.applied === undefined ? 'full' : 'applied');
    if (outcome.applied !== undefined) stats.recordApplied(outcome.applied, Date.now());
  }

  #onClose(): void {
    const { stats } = this.rt;
    if (this.#open) {
      stats.connected -= 1;
      stats.disconnects += 1;
    } else {
      stats.connecting -= 1;
      stats.connectErrors += 1;
      this.#failures += 1;
    }
    this.#open = false;
    this.#ws = undefined;
    if (this.rt.isStopping()) return;
    const delay = this.#retryAfterMs ?? this.#backoffMs();
    this.#retryAfterMs = undefined;
    this.#reconnect = setTimeout(() => this.connect(), delay);
  }

  /** Full jitter over an exponential ceiling: spreads a crowd of reconnecting agents. */
  #backoffMs(): number {
    const { reconnectMinMs, reconnectMaxMs } = this.rt;
    const ceiling = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** Math.min(this.#failures + 1, 16));
    return reconnectMinMs + Math.floor(this.rt.random() * (ceiling - reconnectMinMs + 1));
  }

  #send(bytes: Uint8Array, type: SentType): void {
    const ws = this.#ws;
    if (ws === undefined || !this.#open) return;
    ws.send(encodeWsFrame(bytes), { binary: true });
    this.#awaiting += 1;
    this.#sentAt = performance.now();
    this.rt.stats.recordSent(type);
  }
}
