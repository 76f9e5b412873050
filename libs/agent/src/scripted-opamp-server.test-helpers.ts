/**
 * A scripted OpAMP endpoint for the client specs, for what the real server
 * will not do on demand: refuse with 503/429 + Retry-After, answer
 * Unavailable with retry_info, or send a command. One port (0) serves plain
 * HTTP POSTs and WebSocket upgrades at /v1/opamp; every attempt and message
 * is recorded with its time.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ServerCapabilities as SC,
  decodeAgentToServer,
  decodeWsFrame,
  encodeServerToAgent,
  encodeWsFrame,
  toMask,
  type AgentToServer,
  type IServerToAgent,
} from '@shepherd/proto';

export type ScriptedTransport = 'websocket' | 'http';

export interface Attempt {
  readonly at: number;
  readonly transport: ScriptedTransport;
  /** The HTTP status the attempt was answered with (101 for an accepted upgrade). */
  readonly status: number;
}

export interface Receipt {
  readonly at: number;
  readonly transport: ScriptedTransport;
  readonly message: AgentToServer;
}

/** Builds the reply to one message; the default acknowledges it. */
export type Reply = (message: AgentToServer, ack: IServerToAgent) => IServerToAgent;

export interface ScriptedOpampServer {
  readonly wsUrl: string;
  readonly httpUrl: string;
  readonly attempts: Attempt[];
  readonly received: Receipt[];
  /** The next `count` attempts (upgrades or POSTs) are answered `status` with this Retry-After. */
  refuse(count: number, status: 503 | 429 | 401, retryAfter?: string): void;
  /** The next reply is built by `reply` instead of the plain acknowledgement. */
  replyOnce(reply: Reply): void;
  /** Sends a ServerToAgent on every open WebSocket. */
  push(message: IServerToAgent): void;
  openSockets(): number;
  close(): Promise<void>;
}

const CAPABILITIES = toMask(SC.ServerCapabilities_AcceptsStatus, SC.ServerCapabilities_OffersRemoteConfig, SC.ServerCapabilities_AcceptsEffectiveConfig);

export async function startScriptedOpampServer(): Promise<ScriptedOpampServer> {
  const attempts: Attempt[] = [];
  const received: Receipt[] = [];
  const sockets = new Set<WebSocket>();
  const refusals: { status: number; retryAfter: string | undefined }[] = [];
  const replies: Reply[] = [];
  const answer = (message: AgentToServer): IServerToAgent => {
    const ack: IServerToAgent = { instanceUid: message.instanceUid, capabilities: CAPABILITIES };
    const reply = replies.shift();
    return reply === undefined ? ack : reply(message, ack);
  };
  const refusal = (transport: ScriptedTransport): { status: number; retryAfter: string | undefined } | undefined => {
    const next = refusals.shift();
    attempts.push({ at: Date.now(), transport, status: next?.status ?? (transport === 'http' ? 200 : 101) });
    return next;
  };

  const wss = new WebSocketServer({ noServer: true });
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const refused = refusal('http');
      if (refused !== undefined) {
        res.writeHead(refused.status, refused.retryAfter === undefined ? {} : { 'Retry-After': refused.retryAfter }).end();
        return;
      }
      const message = decodeAgentToServer(Buffer.concat(chunks));
      received.push({ at: Date.now(), transport: 'http', message });
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end(Buffer.from(encodeServerToAgent(answer(message))));
    });
  });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refused = refusal('websocket');
    if (refused !== undefined) {
      const retry = refused.retryAfter === undefined ? '' : `Retry-After: ${refused.retryAfter}\r\n`;
      socket.end(`HTTP/1.1 ${refused.status} Refused\r\n${retry}Content-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data: Buffer) => {
        const message = decodeAgentToServer(decodeWsFrame(data));
        received.push({ at: Date.now(), transport: 'websocket', message });
        ws.send(encodeWsFrame(encodeServerToAgent(answer(message))));
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    wsUrl: `ws://127.0.0.1:${port}/v1/opamp`,
    httpUrl: `http://127.0.0.1:${port}/v1/opamp`,
    attempts,
    received,
    refuse(count, status, retryAfter) {
      for (let i = 0; i < count; i += 1) refusals.push({ status, retryAfter });
    },
    replyOnce(reply) {
      replies.push(reply);
    },
    push(message) {
      for (const ws of sockets) ws.send(encodeWsFrame(encodeServerToAgent(message)));
    },
    openSockets: () => sockets.size,
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
