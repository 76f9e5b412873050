import { Agent, request, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeServerToAgent, encodeAgentToServer, uidToString } from '@shepherd/proto';
import type { AgentDriver, DriverHost } from './agent-driver.js';
import type { BuiltReport } from './agent-report.js';
import { Backoff } from './backoff.js';
import { EndpointRing } from './endpoint-ring.js';

const CONTENT_TYPE = 'application/x-protobuf';
const REQUEST_TIMEOUT_MS = 10_000;

/** The outcome of one POST. */
type Exchange = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs?: number; readonly drop?: boolean };

class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`OpAMP server answered HTTP ${status}`);
  }
}

/**
 * OpAMP over plain HTTP (wire-facts §6.3): one POST at a time, each answered
 * by one ServerToAgent; polls every `pollMs` when there is nothing to say,
 * at once when something changed. Failures move to the next endpoint.
 */
export class HttpDriver implements AgentDriver {
  readonly #host: DriverHost;
  readonly #ring: EndpointRing;
  readonly #backoff: Backoff;
  readonly #agent: Agent;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #waitingRetry = false;
  #first = true;
  #stopped = false;
  #connected = false;

  constructor(host: DriverHost) {
    this.#host = host;
    this.#ring = new EndpointRing(host.settings.endpoints, 'http');
    this.#backoff = new Backoff(host.settings.reconnectMinMs, host.settings.reconnectMaxMs);
    const secure = this.#ring.current.startsWith('https:');
    this.#agent = secure ? new HttpsAgent({ keepAlive: true }) : new Agent({ keepAlive: true });
  }

  start(): void {
    this.#schedule(0);
  }

  kick(): void {
    // Never early during a Retry-After or reconnect wait (wire-facts §6.6).
    if (!this.#stopped && this.#inFlight === undefined && !this.#waitingRetry) this.#schedule(0);
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#inFlight;
    if (this.#connected) {
      const endpoint = this.#ring.current;
      await this.#post(this.#host.build({ disconnect: true })).catch(() => undefined);
      this.#setConnected(false, endpoint);
    }
    this.#agent.destroy();
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#waitingRetry = false;
      this.#inFlight = this.#cycle().finally(() => (this.#inFlight = undefined));
    }, delayMs);
  }

  async #cycle(): Promise<void> {
    const built = this.#host.build({ full: this.#first });
    const endpoint = this.#ring.current;
    const result = await this.#post(built).catch((error: Error): Exchange => {
      const status = error instanceof HttpStatusError ? error.status : undefined;
      this.#host.onConnectError({ endpoint, error, ...(status === undefined ? {} : { status }) });
      return { ok: false };
    });
    if (this.#stopped) return;
    if (result.ok) {
      this.#first = false;
      this.#backoff.reset();
      this.#setConnected(true, endpoint);
      this.#schedule(this.#host.hasPending() ? 0 : this.#host.settings.pollMs);
      return;
    }
    if (result.drop !== true) this.#host.requeue(built.parts);
    this.#setConnected(false, endpoint);
    this.#ring.advance();
    this.#waitingRetry = true;
    this.#schedule(result.retryAfterMs ?? this.#backoff.next());
  }

  #setConnected(connected: boolean, endpoint: string): void {
    if (connected === this.#connected) return;
    this.#connected = connected;
    if (connected) this.#host.onConnected(endpoint);
    else this.#host.onDisconnected({ endpoint });
  }

  async #post(built: BuiltReport): Promise<Exchange> {
    const { settings } = this.#host;
    const bytes = encodeAgentToServer(built.message);
    const headers: Record<string, string> = { 'Content-Type': CONTENT_TYPE };
    if (settings.token !== undefined) headers['Authorization'] = `Bearer ${settings.token}`;
    if (settings.sendInstanceUidHeader) headers['OpAMP-Instance-UID'] = uidToString(built.message.instanceUid as Uint8Array);
    if (settings.gzip) Object.assign(headers, { 'Content-Encoding': 'gzip', 'Accept-Encoding': 'gzip' });
    const res = await this.#request(this.#ring.current, headers, settings.gzip ? gzipSync(bytes) : bytes);
    this.#host.onSent(built, bytes);
    if (res.status === 429 || res.status === 503) {
      return { ok: false, retryAfterMs: this.#retryAfterHeader(res.headers['retry-after']) };
    }
    if (res.status === 413) {
      this.#host.onViolation('server answered 413: message dropped, not retried');
      return { ok: false, drop: true };
    }
    if (res.status !== 200) throw new HttpStatusError(res.status);
    this.#checkContentType(res.headers['content-type']);
    const verdict = this.#host.handleReply(decodeServerToAgent(this.#bodyOf(res)));
    if (verdict.kind === 'unavailable') return { ok: false, retryAfterMs: verdict.retryAfterMs };
    this.#host.onDelivered(built);
    return { ok: true };
  }

  #bodyOf(res: { headers: IncomingMessage['headers']; body: Buffer }): Buffer {
    if (res.headers['content-encoding'] !== 'gzip') return res.body;
    if (!this.#host.settings.gzip) this.#host.onViolation('server gzipped a response the agent did not accept gzip for');
    return gunzipSync(res.body);
  }

  #checkContentType(contentType: string | undefined): void {
    if (contentType !== CONTENT_TYPE) {
      this.#host.onViolation(`response Content-Type is ${String(contentType)}, expected exactly ${CONTENT_TYPE}`);
    }
  }

  #retryAfterHeader(value: string | undefined): number | undefined {
    if (value === undefined || !/^\d+$/.test(value)) return undefined;
    return Math.min(Number(value) * 1000, this.#host.settings.maxRetryAfterMs);
  }

  #request(
    url: string,
    headers: Record<string, string>,
    body: Uint8Array,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
    const send = url.startsWith('https:') ? httpsRequest : request;
    return new Promise((resolve, reject) => {
      const req = send(url, { method: 'POST', headers, agent: this.#agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
