import { Agent, request } from 'node:http';
import { fullReport, heartbeat, onServerMessage, type SimAgentState } from './agent-messages.js';
import { decodeServerMessage } from './lean-codec.js';
import type { SentType } from './loadgen-stats.js';
import { sourceAddressOf } from './source-addresses.js';
import type { SimRuntime } from './ws-sim-agent.js';

/** Longest a poll may take before it counts as an error. */
const POLL_TIMEOUT_MS = 30_000;
/** Largest response read; beyond it the poll counts as an error. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

interface HttpSlot {
  readonly state: SimAgentState;
  /** A report waiting for the next poll (APPLIED, or the full report the server asked for). */
  pending: { bytes: Uint8Array; type: SentType } | undefined;
  busy: boolean;
}

/**
 * Simulated agents over plain HTTP polling (one POST per heartbeat, the next
 * one at once when a status changed). Every poll of an agent goes to its
 * first-connection endpoint (`rt.firstUrl`); failed polls are counted, not
 * redirected. Keep-alive connections are pooled per
 * source address; `concurrency` bounds polls in flight, and a poll due while
 * the bound is reached (or while the agent's previous poll still runs) is
 * skipped and counted.
 */
export class HttpSimFleet {
  readonly #slots: HttpSlot[];
  readonly #pools: Agent[];
  readonly #urls: URL[];
  #inFlight = 0;

  constructor(
    states: readonly SimAgentState[],
    private readonly rt: SimRuntime,
    private readonly concurrency: number,
  ) {
    this.#urls = rt.urls.map((url) => new URL(url));
    this.#slots = states.map((state) => ({ state, pending: undefined, busy: false }));
    const perPool = Math.max(1, Math.ceil(concurrency / rt.sourceAddresses));
    this.#pools = Array.from(
      { length: rt.sourceAddresses },
      (_, i) => new Agent({ keepAlive: true, maxSockets: perPool, maxFreeSockets: perPool, localAddress: sourceAddressOf(i, rt.sourceAddresses) }),
    );
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Polls agent `i` (of this process) now, unless it or the process is at its bound. */
  poll(i: number): void {
    const slot = this.#slots[i];
    // Once stopping, nothing new goes out: the stop only waits for polls in flight.
    if (slot === undefined || this.rt.isStopping()) return;
    if (slot.busy || this.#inFlight >= this.concurrency) {
      this.rt.stats.recordHttpSkipped();
      return;
    }
    const { state } = slot;
    const next = slot.pending ?? (state.fullPending ? { bytes: fullReport(state, this.rt.fleet), type: 'full' as const } : { bytes: heartbeat(state), type: 'heartbeat' as const });
    slot.pending = undefined;
    this.#send(slot, i, next.bytes, next.type);
  }

  /** Closes the pooled keep-alive sockets. */
  close(): void {
    for (const pool of this.#pools) pool.destroy();
  }

  #send(slot: HttpSlot, i: number, body: Uint8Array, type: SentType): void {
    const { stats } = this.rt;
    const url = this.#urls[this.rt.firstUrl(slot.state.index)]!;
    slot.busy = true;
    this.#inFlight += 1;
    stats.recordSent(type);
    const started = performance.now();
    let finished = false;
    const done = (): boolean => {
      if (finished) return false;
      finished = true;
      slot.busy = false;
      this.#inFlight -= 1;
      return true;
    };
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent: this.#pools[slot.state.index % this.#pools.length],
        headers: { ...this.rt.headers, 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length },
        timeout: POLL_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        res.on('end', () => {
          if (!done()) return;
          stats.recordLatency(performance.now() - started);
          if (res.statusCode !== 200 || size > MAX_RESPONSE_BYTES) {
            stats.recordHttpError(res.statusCode !== 200 ? `status ${String(res.statusCode)}` : 'response too large');
            return;
          }
          this.#answer(slot, i, Buffer.concat(chunks));
        });
        res.on('error', () => undefined);
      },
    );
    req.on('timeout', () => req.destroy(new Error('poll timed out')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (done()) stats.recordHttpError(err.code ?? err.message.slice(0, 60));
    });
    req.end(body);
  }

  #answer(slot: HttpSlot, i: number, body: Buffer): void {
    const { stats, fleet } = this.rt;
    let outcome;
    try {
      outcome = onServerMessage(slot.state, fleet, decodeServerMessage(body), false);
    } catch {
      stats.received.error += 1;
      return;
    }
    stats.received[outcome.kind] += 1;
    if (outcome.send === undefined) return;
    slot.pending = { bytes: outcome.send, type: outcome.applied === undefined ? 'full' : 'applied' };
    if (outcome.applied !== undefined) stats.recordApplied(outcome.applied, Date.now());
    // A changed status goes out at once, as a real agent's does.
    this.poll(i);
  }
}
