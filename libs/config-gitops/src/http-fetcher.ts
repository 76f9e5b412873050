import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { GitopsAuthError, GitopsFetchError } from './errors.js';
import type { GitFetcher } from './git-fetcher.js';
import type { GitopsAuth } from './gitops-settings.js';

/** Options of {@link createHttpFetcher}. */
export interface HttpFetcherOptions {
  /** An `https://` or `http://` URL. */
  readonly repository: string;
  readonly branch: string;
  /** `none` or `https_token`. */
  readonly auth: GitopsAuth;
  /** The local bare repository. */
  readonly gitdir: string;
}

// GitHub's documented user name for tokens; GitLab, Gitea and Azure DevOps accept any user name with a token as password.
const TOKEN_USER = 'x-access-token';
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
const MAX_TOKEN_BYTES = 16 * 1024;

/**
 * Fetches with isomorphic-git over smart HTTP. The token is read from its file at every fetch
 * (so a rotated secret applies without a restart) and sent as HTTP Basic credentials; it never
 * appears in an error or a log.
 */
export function createHttpFetcher(options: HttpFetcherOptions): GitFetcher {
  const { repository, branch, auth, gitdir } = options;
  return Object.freeze({
    async fetch(signal: AbortSignal): Promise<string> {
      const headers = auth.type === 'https_token' ? { authorization: basicAuth(await readToken(auth.tokenFile)) } : undefined;
      let fetchHead: string | null;
      try {
        ({ fetchHead } = await git.fetch({
          fs,
          http: { request: (request) => http.request({ ...request, signal }) },
          gitdir,
          url: repository,
          ref: branch,
          remoteRef: branch,
          singleBranch: true,
          tags: false,
          ...(headers === undefined ? {} : { headers }),
        }));
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        throw classifyFetchError(err, options);
      }
      if (fetchHead === null) throw new GitopsFetchError(`branch ${branch} was not found in ${repository}`);
      return fetchHead;
    },
  });
}

async function readToken(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new GitopsAuthError(`the token file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  const token = text.trim();
  if (token === '' || token.length > MAX_TOKEN_BYTES || /[\r\n]/.test(token)) {
    throw new GitopsAuthError(`the token file ${file} must hold one token on one line`);
  }
  return token;
}

function basicAuth(token: string): string {
  return `Basic ${Buffer.from(`${TOKEN_USER}:${token}`).toString('base64')}`;
}

function classifyFetchError(err: unknown, options: HttpFetcherOptions): Error {
  const { repository, branch, auth } = options;
  const code = (err as { code?: unknown }).code;
  if (code === 'HttpError') {
    const { statusCode, statusMessage } = (err as { data: { statusCode: number; statusMessage: string } }).data;
    const status = `HTTP ${statusCode} ${statusMessage}`.trim();
    if (statusCode === 401 || statusCode === 403) {
      const hint =
        auth.type === 'https_token'
          ? `the remote refused the token from ${auth.tokenFile}`
          : 'the remote requires credentials: set GITOPS_AUTH=https_token and GITOPS_TOKEN_FILE';
      return new GitopsAuthError(`${hint} (${status})`, { cause: err });
    }
    if (statusCode === 404) return new GitopsFetchError(`repository ${repository} not found (${status})`, { cause: err });
    return new GitopsFetchError(`fetching ${repository} failed: ${status}`, { cause: err });
  }
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return new GitopsFetchError(`cannot reach ${repository} (${code})`, { cause: err });
  }
  if (code === 'NotFoundError') return new GitopsFetchError(`branch ${branch} was not found in ${repository}`, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new GitopsFetchError(`fetching ${repository} failed: ${message}`, { cause: err });
}
