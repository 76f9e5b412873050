import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { gzipSync } from 'node:zlib';

/** The exact Content-Type of OpAMP HTTP bodies (§7.16; the Elastic client accepts nothing else). */
export const PROTOBUF = 'application/x-protobuf';

/** True when the request's Accept-Encoding allows gzip (q > 0 for gzip or *), §7.13. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (acceptEncoding === undefined) return false;
  let star = false;
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const allowed = q === undefined || Number(q.slice(2)) > 0;
    if (name.trim() === 'gzip') return allowed;
    if (name.trim() === '*') star = allowed;
  }
  return star;
}

/** Sends one protobuf body, gzipped when allowed. */
export function sendProtobuf(res: ServerResponse, status: number, body: Uint8Array, gzip: boolean): void {
  const data = gzip ? gzipSync(body) : body;
  res.writeHead(status, {
    'Content-Type': PROTOBUF,
    'Content-Length': data.length,
    ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    Vary: 'Accept-Encoding',
  });
  res.end(data);
}

/** Sends a short text answer; `close` asks Node to close the connection (the request body may be unread). */
export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end(text);
}

/** Refuses a WebSocket upgrade with a plain HTTP answer on the raw socket, then closes it (§7.5, §7.38). */
export function refuseUpgrade(socket: Duplex, status: number, text: string, headers: Record<string, string> = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(text)}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
}
