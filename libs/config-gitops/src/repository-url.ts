/** How a repository URL is reached: isomorphic-git over HTTP(S), or the `git` binary over ssh. */
export type GitTransport = 'http' | 'ssh';

/** A repository URL, classified. */
export interface RepositoryUrl {
  readonly url: string;
  readonly transport: GitTransport;
  /** Host name, for messages and the loopback check. */
  readonly host: string;
  /** True for `http:` (no TLS). */
  readonly plainHttp: boolean;
}

// `user@host:path` (what GitHub shows as the ssh clone URL); no scheme, a colon before any slash.
const SCP_LIKE = /^(?:[A-Za-z0-9][A-Za-z0-9._-]*@)?([A-Za-z0-9][A-Za-z0-9.-]*):(?!\/\/)(\S+)$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Classifies a repository URL or returns the problem (phrased to follow the key name):
 * `https://` and `http://` (no password in the URL), `ssh://[user@]host[:port]/path`, or the
 * scp-like `user@host:path`.
 */
export function parseRepositoryUrl(text: string): RepositoryUrl | string {
  const scp = SCP_LIKE.exec(text);
  if (scp !== null && !text.includes('://')) return { url: text, transport: 'ssh', host: scp[1] as string, plainHttp: false };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an https://, http://, ssh:// or user@host:path repository URL';
  }
  if (url.protocol === 'ssh:') {
    return url.password === '' ? { url: text, transport: 'ssh', host: url.hostname, plainHttp: false } : 'must not contain a password';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `must be an https://, http://, ssh:// or user@host:path repository URL, not ${url.protocol}//`;
  }
  if (url.password !== '') return 'must not contain a password; put the token in a file and use https_token auth';
  if (url.hostname === '') return 'must name a host';
  return { url: text, transport: 'http', host: url.hostname, plainHttp: url.protocol === 'http:' };
}

/** True when `host` is this machine (where plain HTTP carries no secret across a network). */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase());
}

/**
 * The ssh URL a user most likely meant for an `https://host/owner/repo.git` URL
 * (`ssh://git@host/owner/repo.git`), for the error that refuses ssh_key auth over HTTPS.
 */
export function suggestedSshUrl(httpUrl: string): string {
  try {
    const url = new URL(httpUrl);
    return `ssh://git@${url.hostname}${url.pathname}`;
  } catch {
    return 'ssh://git@host/owner/repo.git';
  }
}
