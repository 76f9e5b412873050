import { gunzipSync, gzipSync } from 'node:zlib';
import { Agent, request } from 'undici';
import { decodeServerToAgent, encodeAgentToServer, uidToString } from '@shepherd/proto';
import { FullJitterBackoff } from './full-jitter-backoff.js';
import { MAX_MESSAGE_BYTES, currentEndpoint, type OpampTransport, type TransportHost, type TransportSettings } from './opamp-transport.js';
import { boundedRetryAfterHeaderMs } from './retry-after.js';
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
        this.#host.onConnectFailed({ error: err instanceof Error ? err : new Error(String(err)) });
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
    const bytes = encodeAgentToServer(built.message);
    const { gzip = false } = this.#settings;
    const res = await request(currentEndpoint(this.#settings), {
      method: 'POST',
      headers: this.#headersFor(built),
      body: gzip ? gzipSync(bytes) : bytes,
      dispatcher: this.#dispatcher,
      headersTimeout: EXCHANGE_TIMEOUT_MS,
      bodyTimeout: EXCHANGE_TIMEOUT_MS,
    });
    this.#host.onSent(built.message, bytes);
    const status = res.statusCode;
    if (status !== 200) {
      await res.body.dump();
      if (status === 503 || status === 429) {
        const retryAfterMs = boundedRetryAfterHeaderMs(res.headers['retry-after'], this.#settings.maxRetryAfterMs);
        this.#host.onConnectFailed({ error: new HttpStatusError(status), status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
        return retryAfterMs === undefined ? { kind: 'retry' } : { kind: 'retry', retryAfterMs };
      }
      if (status === 413) {
        this.#host.onProtocolError(`server answered 413 to a message of ${bytes.length} bytes: dropped, not retried`);
        return { kind: 'dropped' };
      }
      throw new HttpStatusError(status);
    }
    const action = this.#host.onReply(decodeServerToAgent(await this.#replyBytes(res)));
    return action.kind === 'unavailable' ? { kind: 'retry', ...(action.retryAfterMs === undefined ? {} : { retryAfterMs: action.retryAfterMs }) } : { kind: 'ok' };
  }

  #headersFor(built: BuiltMessage): Record<string, string> {
    const { headers, gzip = false, instanceUidHeader = true } = this.#settings;
    return {
      ...headers,
      'content-type': CONTENT_TYPE,
      ...(instanceUidHeader ? { 'opamp-instance-uid': uidToString(built.message.instanceUid as Uint8Array) } : {}),
      ...(gzip ? { 'content-encoding': 'gzip', 'accept-encoding': 'gzip' } : {}),
    };
  }

  async #replyBytes(res: Awaited<ReturnType<typeof request>>): Promise<Uint8Array> {
    const length = Number(res.headers['content-length'] ?? 0);
    if (length > MAX_MESSAGE_BYTES) {
      await res.body.dump();
      throw new Error(`OpAMP reply of ${length} bytes exceeds the ${MAX_MESSAGE_BYTES}-byte limit`);
    }
    const contentType = res.headers['content-type'];
    if (contentType !== CONTENT_TYPE) this.#host.onProtocolError(`reply Content-Type is ${String(contentType)}, expected exactly ${CONTENT_TYPE}`);
    const raw = Buffer.from(await res.body.arrayBuffer());
    if (res.headers['content-encoding'] !== 'gzip') return raw;
    // Read anyway (being lenient costs nothing), but an encoding we did not accept is the server's fault.
    if (this.#settings.gzip !== true) this.#host.onProtocolError('server gzipped a reply the agent did not accept gzip for');
    return gunzipSync(raw, { maxOutputLength: MAX_MESSAGE_BYTES });
  }
}
