import { InvalidBusUrlError } from '../errors.js';

/** Broker addresses and credentials parsed from one or more URLs. */
export interface ParsedServers {
  /** `host:port` (or `tls://host:port`) entries for the NATS client. */
  readonly servers: readonly string[];
  /** The same addresses with credentials removed, for messages and logs. */
  readonly display: string;
  readonly user?: string;
  readonly pass?: string;
  readonly token?: string;
}

const SCHEMES = new Set(['nats:', 'tls:']);
const MAX_SERVERS = 32;

/**
 * Parses `nats://[user[:pass]@]host[:port]` or `tls://...` URLs (a bare
 * `host[:port]` means `nats://`); a string may hold several, comma-separated.
 * Credentials are taken from the first URL that has them: user and password,
 * or a token when only a user part is given.
 * @throws InvalidBusUrlError naming the offending (redacted) URL
 */
export function parseServers(input: string | readonly string[]): ParsedServers {
  const raw = (typeof input === 'string' ? [input] : [...input]).flatMap((s) => String(s).split(','));
  const urls = raw.map((s) => s.trim()).filter((s) => s.length > 0);
  if (urls.length === 0) throw new InvalidBusUrlError('no NATS URL given');
  if (urls.length > MAX_SERVERS) throw new InvalidBusUrlError(`at most ${MAX_SERVERS} NATS server URLs are supported`);
  let credentials: Pick<ParsedServers, 'user' | 'pass' | 'token'> = {};
  const servers: string[] = [];
  const display: string[] = [];
  for (const text of urls) {
    const url = parseOne(text);
    const hostPort = `${url.hostname}:${url.port || '4222'}`;
    servers.push(url.protocol === 'tls:' ? `tls://${hostPort}` : hostPort);
    display.push(`${url.protocol}//${hostPort}`);
    if (url.username !== '' && credentials.user === undefined && credentials.token === undefined) {
      const user = decodeURIComponent(url.username);
      credentials = url.password === '' ? { token: user } : { user, pass: decodeURIComponent(url.password) };
    }
  }
  return Object.freeze({ servers: Object.freeze(servers), display: display.join(','), ...credentials });
}

function parseOne(text: string): URL {
  const withScheme = text.includes('://') ? text : `nats://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (err) {
    throw new InvalidBusUrlError(`malformed NATS URL '${redact(text)}'`, { cause: err });
  }
  if (!SCHEMES.has(url.protocol)) {
    throw new InvalidBusUrlError(`unsupported scheme in NATS URL '${redact(text)}': use nats:// or tls://`);
  }
  if (url.hostname === '') throw new InvalidBusUrlError(`NATS URL '${redact(text)}' has no host`);
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    throw new InvalidBusUrlError(`NATS URL '${redact(text)}' must not have a path, query or fragment`);
  }
  return url;
}

/** `text` with any `user:pass@` part masked. */
export function redact(text: string): string {
  return text.replace(/\/\/[^/@]*@/, '//***@');
}
