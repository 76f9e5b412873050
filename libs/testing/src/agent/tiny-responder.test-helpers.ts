/**
 * A tiny OpAMP responder for the FakeAgent and Elastic-client specs: one
 * port (0) serving plain HTTP and WebSocket at /v1/opamp. It acks every
 * message, offers one config (set with `offer`) until the agent reports its
 * hash, and lets a test script the next replies. Not a gateway: no state
 * beyond the last reported config hash per agent.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  AgentCapabilities as AC,
  ServerCapabilities as SC,
  decodeAgentToServer,
  decodeWsFrame,
  encodeServerToAgent,
  encodeWsFrame,
  hasCapability,
  toMask,
  uidToString,
  type AgentToServer,
  type IServerToAgent,
} from '@shepherd/proto';

export interface ResponderReceipt {
  readonly transport: 'http' | 'websocket';
  readonly message: AgentToServer;
  readonly headers: IncomingHttpHeaders;
}

/** Builds a reply from the received message and the default ack (which it may extend). */
export type ReplyScript = (message: AgentToServer, ack: IServerToAgent) => IServerToAgent;

export interface TinyResponder {
  /** http://127.0.0.1:<port>/v1/opamp */
  readonly httpUrl: string;
  /** ws://127.0.0.1:<port>/v1/opamp */
  readonly wsUrl: string;
  readonly received: ResponderReceipt[];
  /** Sets the config every agent should run; pushes it at once over open sockets. Returns its hex hash. */
  offer(files: Record<string, string>): string;
  /** Uses `script` for the next reply instead of the default one. */
  scriptNextReply(script: ReplyScript): void;
  /** Closes every open WebSocket from the server side (code 1001). */
  dropConnections(): void;
  /** Number of open WebSockets. */
  openSockets(): number;
  close(): Promise<void>;
}

export const RESPONDER_CAPABILITIES = toMask(
  SC.ServerCapabilities_AcceptsStatus,
  SC.ServerCapabilities_OffersRemoteConfig,
  SC.ServerCapabilities_AcceptsEffectiveConfig,
);

export async function startTinyResponder(opts: { token?: string } = {}): Promise<TinyResponder> {
  const received: ResponderReceipt[] = [];
  const scripts: ReplyScript[] = [];
  const reported = new Map<string, string>();
  /** Open sockets and the last message each carried (to address pushes). */
  const sockets = new Map<WebSocket, AgentToServer | undefined>();
  let target: { hash: Buffer; files: Record<string, string> } | undefined;

  const remoteConfigFor = (message: AgentToServer): IServerToAgent['remoteConfig'] => {
    const uid = uidToString(message.instanceUid);
    const status = message.remoteConfigStatus;
    if (status) reported.set(uid, Buffer.from(status.lastRemoteConfigHash ?? []).toString('hex'));
    if (!target || !hasCapability(message.capabilities, AC.AgentCapabilities_AcceptsRemoteConfig)) return undefined;
    if (reported.get(uid) === target.hash.toString('hex')) return undefined;
    const configMap = Object.fromEntries(
      Object.entries(target.files).map(([name, body]) => [name, { body: Buffer.from(body), contentType: 'text/yaml' }]),
    );
    return { config: { configMap }, configHash: target.hash };
  };

  const reply = (message: AgentToServer, transport: ResponderReceipt['transport'], headers: IncomingHttpHeaders): Uint8Array => {
    received.push({ transport, message, headers });
    const ack: IServerToAgent = { instanceUid: message.instanceUid, capabilities: RESPONDER_CAPABILITIES };
    const remoteConfig = remoteConfigFor(message);
    if (remoteConfig) ack.remoteConfig = remoteConfig;
    const script = scripts.shift();
    return encodeServerToAgent(script ? script(message, ack) : ack);
  };

  const authorized = (req: IncomingMessage): boolean => opts.token === undefined || req.headers.authorization === `Bearer ${opts.token}`;

  const onHttp = (req: IncomingMessage, res: ServerResponse): void => {
    if (!authorized(req)) return void res.writeHead(401).end();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = reply(decodeAgentToServer(req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw), 'http', req.headers);
      const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
      const headers = { 'Content-Type': 'application/x-protobuf', ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) };
      res.writeHead(200, headers).end(gzip ? gzipSync(body) : Buffer.from(body));
    });
  };

  const server = createServer(onHttp);
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!authorized(req)) return void socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.set(ws, undefined);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data: Buffer) => {
        const message = decodeAgentToServer(decodeWsFrame(data));
        sockets.set(ws, message);
        ws.send(encodeWsFrame(reply(message, 'websocket', req.headers)));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    httpUrl: `http://127.0.0.1:${port}/v1/opamp`,
    wsUrl: `ws://127.0.0.1:${port}/v1/opamp`,
    received,
    offer(files) {
      const hash = createHash('sha256').update(JSON.stringify(Object.entries(files).sort())).digest();
      target = { hash, files };
      for (const [ws, last] of sockets) {
        const remoteConfig = last && remoteConfigFor(last);
        if (!last || !remoteConfig) continue;
        const push: IServerToAgent = { instanceUid: last.instanceUid, capabilities: RESPONDER_CAPABILITIES, remoteConfig };
        ws.send(encodeWsFrame(encodeServerToAgent(push)));
      }
      return hash.toString('hex');
    },
    scriptNextReply: (script) => void scripts.push(script),
    dropConnections: () => sockets.forEach((_last, ws) => ws.close(1001, 'going away')),
    openSockets: () => sockets.size,
    close: async () => {
      for (const ws of sockets.keys()) ws.terminate();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
