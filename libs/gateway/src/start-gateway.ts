import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { BusSubscription } from '@shepherd/bus';
import { WebSocketServer } from 'ws';
import { AgentHub } from './agent-hub.js';
import { authenticateRequest } from './authenticate-request.js';
import { subscribeDeliveries } from './delivery-router.js';
import { serveMulticasts } from './multicast-router.js';
import { drainConnections } from './drain.js';
import { GatewayListenError } from './errors.js';
import { createGatewayMetrics } from './gateway-metrics.js';
import { resolveGatewayOptions, type GatewayOptions, type ResolvedGatewayOptions } from './gateway-options.js';
import { PROTOBUF, refuseUpgrade, sendText } from './http-replies.js';
import { servePoll } from './http-poll.js';
import { retryAfterHeader } from './retry-after.js';
import { WsAgentConnection } from './ws-agent-connection.js';

/** A running OpAMP gateway. */
export interface Gateway {
  /** `http://host:port/path` of the endpoint (wildcard hosts shown as 127.0.0.1). */
  readonly url: string;
  /** The same endpoint as a `ws://` URL. */
  readonly wsUrl: string;
  /** The bound port (useful with port 0). */
  readonly port: number;
  readonly gatewayId: string;
  /** Open WebSocket connections. */
  connectionCount(): number;
  /** HTTP agents currently remembered between polls. */
  httpSessionCount(): number;
  /** Stop accepting: new WebSocket upgrades and HTTP polls get 503 + Retry-After. Idempotent. */
  beginDrain(): void;
  /**
   * Tells every WebSocket agent to reconnect later (Unavailable with jittered
   * retry_info, in batches), closes each with 1001, waits for the sockets up
   * to `drainTimeoutMs` (then cuts them), releases the HTTP agents' claims
   * and waits for bus publishes in flight. Calls beginDrain first. Never rejects.
   */
  drainAgents(): Promise<void>;
  /** Ends everything: timers, delivery subscription, sockets, listener. Idempotent; never rejects. */
  close(): Promise<void>;
}

/**
 * Starts the OpAMP endpoint: one node:http server on `path` serving plain
 * HTTP (`Content-Type: application/x-protobuf`) and WebSocket upgrades
 * (anything else), wire-facts §7.1-§7.45. Validates options first.
 * @throws {GatewayOptionError} an option is invalid
 * @throws {GatewayListenError} the host/port cannot be bound
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const opts = resolveGatewayOptions(options);
  const hub = new AgentHub(opts, createGatewayMetrics(opts.metrics));
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: opts.maxMessageBytes, clientTracking: false });
  const state: ListenState = { draining: false, pendingUpgrades: 0, openSockets: 0 };
  const server = createOpampServer(opts, hub, wss, state);
  const port = await listen(server, opts);
  const subscriptions = [subscribeDeliveries(hub), serveMulticasts(hub)];
  hub.keeper.start();
  hub.liveness?.start(opts.livenessIntervalMs);
  const timers = [
    setInterval(() => hub.connections.forEach((c) => c.heartbeat()), opts.pingIntervalMs),
    setInterval(() => hub.http.sweep(), Math.max(10, Math.min(5_000, Math.floor(opts.httpIdleMs / 2)))),
  ];
  timers.forEach((t) => t.unref());
  const host = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const beginDrain = (): void => {
    if (state.draining) return;
    state.draining = true;
    server.closeIdleConnections();
    opts.logger.info({ connections: hub.connections.size }, 'gateway draining: refusing new agents');
  };
  let drained: Promise<void> | undefined;
  const drainAgents = (): Promise<void> => (drained ??= drain(hub, beginDrain));
  let closed: Promise<void> | undefined;
  opts.logger.info({ url: `http://${host}:${port}${opts.path}`, gatewayId: opts.gatewayId }, 'OpAMP gateway listening');
  return Object.freeze({
    url: `http://${host}:${port}${opts.path}`,
    wsUrl: `ws://${host}:${port}${opts.path}`,
    port,
    gatewayId: opts.gatewayId,
    connectionCount: () => hub.connections.size,
    httpSessionCount: () => hub.http.size,
    beginDrain,
    drainAgents,
    close: () => (closed ??= shutdown(hub, server, wss, subscriptions, timers, beginDrain)),
  });
}

async function drain(hub: AgentHub, beginDrain: () => void): Promise<void> {
  beginDrain();
  const started = Date.now();
  const { drainTimeoutMs, logger } = hub.options;
  const cut = await drainConnections(hub, drainTimeoutMs, (c) => c.terminate('drain deadline'));
  await Promise.all(hub.http.entries().map((e) => hub.keeper.release(e.uid, e.holderId)));
  flushLiveness(hub);
  await hub.publisher.idle(Math.max(100, drainTimeoutMs - (Date.now() - started)));
  logger.info({ cut, ms: Date.now() - started }, 'gateway drained');
}

async function shutdown(
  hub: AgentHub,
  server: Server,
  wss: WebSocketServer,
  subscriptions: readonly BusSubscription[],
  timers: NodeJS.Timeout[],
  beginDrain: () => void,
): Promise<void> {
  beginDrain();
  timers.forEach((t) => clearInterval(t));
  hub.keeper.stop();
  for (const conn of [...hub.connections]) conn.terminate('gateway closed');
  await Promise.all(hub.http.entries().map((e) => hub.keeper.release(e.uid, e.holderId)));
  hub.http.clear();
  await Promise.all(subscriptions.map((s) => s.unsubscribe().catch((err: unknown) => hub.options.logger.warn({ err }, 'delivery unsubscribe failed'))));
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  wss.close();
  flushLiveness(hub);
  await hub.publisher.idle(2_000);
}

/** The heartbeats still pending go out with the gateway's last publishes. */
function flushLiveness(hub: AgentHub): void {
  hub.liveness?.stop();
  hub.liveness?.flush();
}

/** The node:http server: plain-HTTP polls on 'request', WebSocket upgrades on 'upgrade'; a failure is logged and answered 500. */
function createOpampServer(opts: ResolvedGatewayOptions, hub: AgentHub, wss: WebSocketServer, state: ListenState): Server {
  const failed = (err: unknown, respond: () => void): void => {
    hub.metrics.errors.inc({ code: 'internal' });
    opts.logger.error({ err }, 'OpAMP request failed');
    respond();
  };
  const server = createServer((req, res) => {
    onRequest(opts, hub, state, req, res).catch((err: unknown) => failed(err, () => sendText(res, 500, 'internal error\n', {}, true)));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    onUpgrade(opts, hub, wss, state, req, socket, head).catch((err: unknown) => failed(err, () => refuseUpgrade(socket, 500, 'internal error\n')));
  });
  server.on('clientError', (_err, socket: Duplex) => socket.destroy());
  server.on('connection', (socket: Duplex) => {
    state.openSockets += 1;
    socket.once('close', () => (state.openSockets -= 1));
  });
  server.keepAliveTimeout = opts.httpKeepAliveMs;
  return server;
}

function listen(server: Server, opts: ResolvedGatewayOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new GatewayListenError(`cannot listen on ${opts.host}:${opts.port}: ${err.message}`, { cause: err })));
    server.listen({ port: opts.port, host: opts.host, backlog: opts.listenBacklog }, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : opts.port);
    });
  });
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function isProtobuf(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  // Agents send exactly this; parameters and other spellings take the slow path.
  if (type === PROTOBUF) return true;
  return (type ?? '').split(';')[0]!.trim().toLowerCase() === PROTOBUF;
}

interface ListenState {
  draining: boolean;
  pendingUpgrades: number;
  /** Sockets the server accepted and that are not closed yet: HTTP, upgrading and WebSocket. */
  openSockets: number;
}

async function onRequest(opts: ResolvedGatewayOptions, hub: AgentHub, state: ListenState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (pathOf(req) !== opts.path) return sendText(res, 404, 'not found\n', {}, true);
  // §7.4: anything that is not plain-HTTP OpAMP must be a WebSocket upgrade.
  if (!isProtobuf(req)) return sendText(res, 426, 'use a WebSocket upgrade or POST application/x-protobuf\n', { Upgrade: 'websocket' }, true);
  if (req.method !== 'POST') return sendText(res, 405, 'OpAMP over HTTP uses POST\n', { Allow: 'POST' }, true);
  const auth = await authenticateRequest(opts.authenticator, req.headers.authorization);
  if (!auth.ok) {
    hub.metrics.errors.inc({ code: auth.status === 401 ? 'unauthenticated' : 'auth_unavailable' });
    return sendText(res, auth.status, `${auth.message}\n`, auth.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {}, true);
  }
  if (state.draining) {
    hub.metrics.errors.inc({ code: 'draining' });
    return sendText(res, 503, 'gateway is shutting down; retry later\n', { 'Retry-After': retryAfterHeader(opts.retryAfterSeconds) }, true);
  }
  // At capacity an HTTP agent does not keep an idle socket (and its file descriptor) between polls.
  if (state.openSockets > opts.maxConnections) res.setHeader('Connection', 'close');
  await servePoll(req, res, hub, auth.principal);
}

async function onUpgrade(
  opts: ResolvedGatewayOptions,
  hub: AgentHub,
  wss: WebSocketServer,
  state: ListenState,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  socket.on('error', () => socket.destroy());
  if (pathOf(req) !== opts.path) return refuseUpgrade(socket, 404, 'not found\n');
  const auth = await authenticateRequest(opts.authenticator, req.headers.authorization);
  if (!auth.ok) {
    hub.metrics.errors.inc({ code: auth.status === 401 ? 'unauthenticated' : 'auth_unavailable' });
    return refuseUpgrade(socket, auth.status, `${auth.message}\n`, auth.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {});
  }
  const retry = { 'Retry-After': retryAfterHeader(opts.retryAfterSeconds) };
  if (state.draining) {
    hub.metrics.errors.inc({ code: 'draining' });
    return refuseUpgrade(socket, 503, 'gateway is shutting down; retry later\n', retry);
  }
  if (hub.connections.size + state.pendingUpgrades >= opts.maxConnections) {
    hub.metrics.errors.inc({ code: 'over_capacity' });
    return refuseUpgrade(socket, 503, 'gateway is at its connection limit; retry later\n', retry);
  }
  // ws answers an invalid handshake itself and never calls back, so the socket's close also ends the pending count.
  let pending = true;
  const settle = (): void => {
    if (pending) state.pendingUpgrades -= 1;
    pending = false;
  };
  state.pendingUpgrades += 1;
  socket.once('close', settle);
  wss.handleUpgrade(req, socket, head, (ws) => {
    settle();
    hub.connectionOpened(new WsAgentConnection(ws, auth.principal, hub));
  });
}
