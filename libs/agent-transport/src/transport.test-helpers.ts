/**
 * A bare OpAMP endpoint (plain HTTP and WebSocket on one loopback port)
 * whose behaviour each spec sets, and a {@link TransportHost} that records
 * every callback, for the transport specs.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  decodeAgentToServer,
  encodeServerToAgent,
  newInstanceUid,
  toBigInt,
  toMask,
  AgentCapabilities as AC,
  type AgentToServer,
} from '@shepherd/proto';
import type { ConnectFailure, TransportHost, TransportSettings, WsCloseInfo } from './opamp-transport.js';
import { StatusReport } from './status-report.js';

export interface BareEndpoint {
  readonly httpUrl: string;
  readonly wsUrl: string;
  /** Answers POSTs (default: 200 with an ack). */
  http: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;
  /** Decides an upgrade: return false after answering on `socket` to refuse it (default: accept). */
  upgrade: (req: IncomingMessage, socket: Socket) => boolean;
  /** Runs for every accepted WebSocket. */
  socket: (ws: WebSocket) => void;
  close(): Promise<void>;
}

/** The ack every spec endpoint sends by default, addressed to `message`'s agent. */
export const ackFor = (message: AgentToServer): Uint8Array => encodeServerToAgent({ instanceUid: message.instanceUid, capabilities: toMask(1) });

export async function startBareEndpoint(): Promise<BareEndpoint> {
  const sockets = new Set<WebSocket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => endpoint.http(req, Buffer.concat(chunks), res));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (!endpoint.upgrade(req, socket)) return;
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      endpoint.socket(ws);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint: BareEndpoint = {
    httpUrl: `http://127.0.0.1:${port}/v1/opamp`,
    wsUrl: `ws://127.0.0.1:${port}/v1/opamp`,
    http: (_req, body, res) => void res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end(ackFor(decodeAgentToServer(body))),
    upgrade: () => true,
    socket: () => undefined,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
  return endpoint;
}

/** A loopback URL nobody listens on (a port that was just free). */
export async function deadEndpoint(scheme: 'ws' | 'http'): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `${scheme}://127.0.0.1:${port}/v1/opamp`;
}

/** Everything a {@link RecordingHost} was told, in order per kind. */
export interface RecordingHost extends TransportHost {
  readonly report: StatusReport;
  /** What each onSent's bytes decode to. */
  readonly sent: AgentToServer[];
  readonly connected: number[];
  readonly disconnects: { reason: string; close: WsCloseInfo | undefined }[];
  readonly failures: ConnectFailure[];
  readonly retries: { delayMs: number; reason: string }[];
  readonly problems: string[];
}

export function recordingHost(): RecordingHost {
  const report = new StatusReport(newInstanceUid(), toBigInt(toMask(AC.AgentCapabilities_ReportsStatus)), {});
  const host: RecordingHost = {
    report,
    sent: [],
    connected: [],
    disconnects: [],
    failures: [],
    retries: [],
    problems: [],
    build: (opts) => report.build(opts),
    hasPending: () => report.hasPending(),
    requeue: (parts) => report.requeue(parts),
    onSent: (_message, bytes) => void host.sent.push(decodeAgentToServer(bytes)),
    onReply: () => ({ kind: 'ok' }),
    onConnected: () => void host.connected.push(Date.now()),
    onDisconnected: (reason, close) => void host.disconnects.push({ reason, close }),
    onConnectFailed: (failure) => void host.failures.push(failure),
    onRetryScheduled: (delayMs, reason) => void host.retries.push({ delayMs, reason }),
    onProtocolError: (problem) => void host.problems.push(problem),
  };
  return host;
}

/** Fast reconnects and polls; `overrides` on top. */
export function specSettings(overrides: Partial<TransportSettings> & Pick<TransportSettings, 'endpoint'>): TransportSettings {
  return { headers: {}, tls: { rejectUnauthorized: true }, reconnect: { initialMs: 20, maxMs: 40 }, pollIntervalMs: 50, ...overrides };
}
