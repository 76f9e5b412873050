// A smart-HTTP git server for tests: `git http-backend` (CGI) behind a node http server on port 0,
// with an optional bearer of HTTP Basic credentials whose password must equal `token`.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

/** A running test git server. */
export interface GitHttpServer {
  /** `http://127.0.0.1:<port>/<name>` for a repository directory `name` under the root. */
  url(name: string): string;
  /** Requests answered so far (any status). */
  readonly requests: number;
  /** Requests refused with 401. */
  readonly refused: number;
  /** Stops listening and drops open connections; the port stays reserved for {@link restart}. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  /** While held, requests are accepted but not answered (a hung remote). */
  hold(held: boolean): void;
}

/** Options of {@link startGitHttpServer}. */
export interface GitHttpServerOptions {
  /** Directory holding the served repositories (GIT_PROJECT_ROOT). */
  readonly root: string;
  /** When set, requests need HTTP Basic credentials whose password is this token. */
  readonly token?: string;
}

/** Starts the server on 127.0.0.1, port 0. */
export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  let requests = 0;
  let refused = 0;
  let held = false;
  const server = createServer((req, res) => {
    requests++;
    if (held) return;
    if (options.token !== undefined && !authorized(req, options.token)) {
      refused++;
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"', 'content-type': 'text/plain' }).end('unauthorized');
      return;
    }
    runBackend(options.root, req, res);
  });
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    get requests() {
      return requests;
    },
    get refused() {
      return refused;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    restart: () => listen(server, port),
    hold: (value) => {
      held = value;
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function authorized(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1) === token;
}

function runBackend(root: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const child = spawn(HTTP_BACKEND, [], {
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: '127.0.0.1',
      ...(req.headers['content-encoding'] === undefined ? {} : { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) }),
      ...(req.headers['git-protocol'] === undefined ? {} : { GIT_PROTOCOL: String(req.headers['git-protocol']) }),
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersSent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) return;
    headersSent = true;
    writeCgiHead(res, head.subarray(0, end).toString('latin1'));
    res.write(head.subarray(end + 4));
  });
  child.on('close', () => (headersSent ? res.end() : res.writeHead(502).end('git http-backend failed')));
  child.on('error', () => res.writeHead(502).end('git http-backend did not start'));
}

function writeCgiHead(res: ServerResponse, head: string): void {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
    else headers[name] = value;
  }
  res.writeHead(status, headers);
}
