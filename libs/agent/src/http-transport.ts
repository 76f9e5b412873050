import { gunzipSync } from 'node:zlib';
import { Agent, request } from 'undici';
import { decodeServerToAgent, encodeAgentToServer, uidToString } from '@shepherd/proto';
import { errorFields } from './agent-logger.js';
import { FullJitterBackoff } from './full-jitter-backoff.js';
import { MAX_MESSAGE_BYTES, type OpampTransport, type TransportHost, type TransportSettings } from './opamp-transport.js';
import { retryAfterHeaderMs } from './retry-after.js';
import type { BuiltMessage } from './status-report.js';

const CONTENT_TYPE = 'application/x-protobuf';
/** Deadline of one exchange (headers and body). */
const EXCHANGE_TIMEOUT_MS = 15_000;

/** How one POST ended. */
type Exchange =
  | { readonly kind: 'ok' }
  /** Try again after `retryAfterMs` (or a backoff step when undefined); the message's parts are requeued. */
  | { readonly kind: 'retry'; readonly retryAfterMs?: number }
  /** 413: the message is dropped and not retried (wire-facts §6.3). */
  | { readonly kind: 'dropped' };

class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`OpAMP server answered HTTP ${status}`);
  }
}

/**
 * OpAMP over plain HTTP (wire-facts §6.3): one POST at a time, each answered
 * by one ServerToAgent. The agent polls every `pollIntervalMs` when it has
 * nothing to say and posts at once when something changed; the first
 * request, and the first after a failure, carries the full state. 503/429
 * wait for Retry-After, other failures back off with full jitter.
 */
export class HttpTransport implements OpampTransport {
  readonly #host: TransportHost;
  readonly #settings: TransportSettings;
  readonly #backoff: FullJitterBackoff;
  readonly #dispatcher: Agent;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #waiting = false;
  #full = true;
  #connected = false;
  #stopped = false;

  constructor(host: TransportHost, settings: TransportSettings) {
    this.#host = host;
    this.#settings = settings;
    this.#backoff = new FullJitterBackoff(settings.reconnect, settings.random);
    const { ca, cert, key, rejectUnauthorized } = settings.tls;
    this.#dispatcher = new Agent({ connect: { ca, cert, key, rejectUnauthorized } });
  }

  start(): void {
    this.#schedule(0);
  }

  kick(): void {
    // Never early during a Retry-After or backoff wait (wire-facts §6.6).
    if (!this.#stopped && this.#inFlight === undefined && !this.#waiting) this.#schedule(0);
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#inFlight;
    if (this.#connected) {
      // Since spec v0.18.0+: the last request carries agent_disconnect so the server marks us offline at once.
      await this.#post(this.#host.build({ disconnect: true })).catch((err: unknown) => {
        this.#settings.logger.warn(errorFields(err), 'could not send agent_disconnect');
      });
      this.#setConnected(false, 'agent stopping');
    }
    await this.#dispatcher.close();
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#waiting = false;
      this.#inFlight = this.#cycle().finally(() => (this.#inFlight = undefined));
    }, delayMs);
  }

  async #cycle(): Promise<void> {
    const built = this.#host.build({ full: this.#full });
    const result = await this.#post(built).catch((error: Error): Exchange => {
      const status = error instanceof HttpStatusError ? error.status : undefined;
      this.#host.onConnectFailed({ error, ...(status === undefined ? {} : { status }) });
      return { kind: 'retry' };
    });
    if (this.#stopped) return;
    if (result.kind === 'retry') {
      this.#host.requeue(built.parts);
      this.#full = true;
      this.#setConnected(false, 'exchange failed');
      this.#waiting = true;
      const delay = result.retryAfterMs ?? this.#backoff.next();
      this.#host.onRetryScheduled(delay, result.retryAfterMs === undefined ? 'backoff' : 'retry-after');
      this.#schedule(delay);
      return;
    }
    this.#full = false;
    this.#backoff.reset();
    if (result.kind === 'ok') this.#setConnected(true, '');
    this.#schedule(this.#host.hasPending() ? 0 : this.#settings.pollIntervalMs);
  }

  #setConnected(connected: boolean, reason: string): void {
    if (connected === this.#connected) return;
    this.#connected = connected;
    if (connected) this.#host.onConnected();
    else this.#host.onDisconnected(reason);
  }

  async #post(built: BuiltMessage): Promise<Exchange> {
    const body = encodeAgentToServer(built.message);
    const res = await request(this.#settings.endpoint, {
      method: 'POST',
      headers: {
        ...this.#settings.headers,
        'content-type': CONTENT_TYPE,
        'opamp-instance-uid': uidToString(built.message.instanceUid as Uint8Array),
      },
      body,
      dispatcher: this.#dispatcher,
      headersTimeout: EXCHANGE_TIMEOUT_MS,
      bodyTimeout: EXCHANGE_TIMEOUT_MS,
    });
    this.#host.onSent(built.message);
    const status = res.statusCode;
    if (status !== 200) {
      await res.body.dump();
      if (status === 503 || status === 429) {
        const retryAfterMs = retryAfterHeaderMs(res.headers['retry-after']);
        this.#host.onConnectFailed({ error: new HttpStatusError(status), status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
        return retryAfterMs === undefined ? { kind: 'retry' } : { kind: 'retry', retryAfterMs };
      }
      if (status === 413) {
        this.#settings.logger.error({ bytes: body.length }, 'OpAMP server refused a message as too large (413): dropped, not retried');
        return { kind: 'dropped' };
      }
      throw new HttpStatusError(status);
    }
    const action = this.#host.onReply(decodeServerToAgent(await this.#replyBytes(res)));
    return action.kind === 'unavailable' ? { kind: 'retry', ...(action.retryAfterMs === undefined ? {} : { retryAfterMs: action.retryAfterMs }) } : { kind: 'ok' };
  }

  async #replyBytes(res: Awaited<ReturnType<typeof request>>): Promise<Uint8Array> {
    const length = Number(res.headers['content-length'] ?? 0);
    if (length > MAX_MESSAGE_BYTES) {
      await res.body.dump();
      throw new Error(`OpAMP reply of ${length} bytes exceeds the ${MAX_MESSAGE_BYTES}-byte limit`);
    }
    const raw = Buffer.from(await res.body.arrayBuffer());
    // We never send Accept-Encoding, but a server may gzip anyway; being lenient costs nothing.
    return res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw, { maxOutputLength: MAX_MESSAGE_BYTES }) : raw;
  }
}
