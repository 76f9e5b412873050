import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdminListenError, RuntimeOptionsError } from './errors.js';
import type { Logger } from './logger.js';
import { createMetricsRegistry, type Registry } from './metrics.js';
import type { ReadinessProbe } from './readiness.js';

/** Options of {@link startAdminServer}. */
export interface AdminServerOptions {
  /** Address to bind, e.g. `0.0.0.0` (config `adminHost`). */
  readonly host: string;
  /** Port to bind, 0 for a free one (config `adminPort`). */
  readonly port: number;
  readonly logger: Logger;
  /**
   * Registry served on `/metrics`; default a fresh one with default process
   * metrics. A given registry is served as is (create it with
   * `createMetricsRegistry` to get the default metrics).
   */
  readonly registry?: Registry;
  /** Answers `/readyz`. */
  readonly readiness: ReadinessProbe;
}

/** A running admin listener. */
export interface AdminServer {
  /** The bound port (the chosen one when `port` was 0). */
  readonly port: number;
  /** Base URL to reach the listener, e.g. `http://127.0.0.1:9464` (wildcard hosts become loopback). */
  readonly url: string;
  /** The registry served on `/metrics`. */
  readonly registry: Registry;
  /** Stops listening and closes open connections; idempotent. */
  close(): Promise<void>;
}

type Route = (res: ServerResponse) => Promise<void>;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function routes(options: AdminServerOptions, registry: Registry): ReadonlyMap<string, Route> {
  return new Map<string, Route>([
    ['/healthz', async (res) => sendJson(res, 200, { status: 'ok' })],
    [
      '/readyz',
      async (res) => {
        const { ready, failing } = await options.readiness.check();
        if (ready) sendJson(res, 200, { status: 'ready' });
        else sendJson(res, 503, { status: 'not ready', failing });
      },
    ],
    [
      '/metrics',
      async (res) => {
        const text = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        res.end(text);
      },
    ],
  ]);
}

function handler(options: AdminServerOptions, table: ReadonlyMap<string, Route>) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://admin.invalid').pathname;
    const route = table.get(path);
    if (route === undefined) return sendJson(res, 404, { error: 'not found' });
    if (req.method !== 'GET') return sendJson(res, 405, { error: 'method not allowed' }, { allow: 'GET' });
    route(res).catch((err: unknown) => {
      options.logger.error({ err, path }, 'admin endpoint failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  };
}

function validate(options: AdminServerOptions): void {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new RuntimeOptionsError(`startAdminServer: port must be an integer from 0 to 65535, got ${options.port}`);
  }
  if (typeof options.host !== 'string' || options.host === '') {
    throw new RuntimeOptionsError('startAdminServer: host must be a non-empty string');
  }
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(new AdminListenError(`admin listener cannot bind ${host}:${port}: ${err.message}`, { cause: err }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

function baseUrl({ address, family }: AddressInfo): string {
  const isWildcard = address === '0.0.0.0' || address === '::';
  if (family === 'IPv6') return `http://[${isWildcard ? '::1' : address}]`;
  return `http://${isWildcard ? '127.0.0.1' : address}`;
}

/**
 * Starts the admin HTTP listener (plain node:http): `GET /healthz` → 200
 * `{"status":"ok"}`; `GET /readyz` → 200 `{"status":"ready"}` or 503
 * `{"status":"not ready","failing":[{name,reason}]}`; `GET /metrics` →
 * Prometheus text; other paths → 404; other methods on these paths → 405.
 *
 * @throws {RuntimeOptionsError} when host or port is invalid.
 * @throws {AdminListenError} (rejection) when the address cannot be bound.
 */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  validate(options);
  const registry = options.registry ?? createMetricsRegistry();
  const server = createServer(handler(options, routes(options, registry)));
  const address = await listen(server, options.host, options.port);
  const url = `${baseUrl(address)}:${address.port}`;
  options.logger.info({ url, host: options.host, port: address.port }, 'admin listener started');
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // close() only ends idle connections; cut in-flight ones (a probe waiting on a slow check) so shutdown never waits on them.
      server.closeAllConnections();
    });
    return closing;
  };
  return Object.freeze({ port: address.port, url, registry, close });
}
