import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GitopsAuthError, GitopsFetchError } from './errors.js';
import type { GitFetcher } from './git-fetcher.js';

/** Options of {@link createSshFetcher}. */
export interface SshFetcherOptions {
  /** An `ssh://` or `user@host:path` URL. */
  readonly repository: string;
  readonly branch: string;
  readonly auth: { readonly type: 'ssh_key'; readonly sshKeyFile: string; readonly knownHostsFile?: string };
  /** The local bare repository (shared with the isomorphic-git reader). */
  readonly gitdir: string;
  /** The git program (default `git`). */
  readonly git?: string;
  /** The ssh program (default `ssh`). */
  readonly ssh?: string;
}

const run = promisify(execFile);
const MAX_OUTPUT = 1024 * 1024;
const MAX_SHOWN_STDERR = 600;
const AUTH_FAILURE = /Permission denied|Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No such identity|invalid format|bad permissions/i;

/**
 * Fetches over ssh with the `git` binary into the same bare repository isomorphic-git reads
 * (isomorphic-git speaks only HTTP(S)). ssh runs with the configured key only
 * (`IdentitiesOnly`), never prompts (`BatchMode`), and checks the host key strictly against the
 * known-hosts file (GITOPS_SSH_KNOWN_HOSTS_FILE, else ssh's defaults).
 */
export function createSshFetcher(options: SshFetcherOptions): GitFetcher {
  const { repository, branch, gitdir } = options;
  const gitProgram = options.git ?? 'git';
  const trackingRef = `refs/remotes/origin/${branch}`;
  const env = {
    ...process.env,
    GIT_SSH_COMMAND: sshCommand(options),
    // The command may name a stand-in program; the arguments are still OpenSSH's.
    GIT_SSH_VARIANT: 'ssh',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
  };
  const git = async (args: readonly string[], signal: AbortSignal): Promise<string> => {
    const { stdout } = await run(gitProgram, ['--git-dir', gitdir, ...args], { env, signal, maxBuffer: MAX_OUTPUT, encoding: 'utf8' });
    return stdout;
  };
  return Object.freeze({
    async fetch(signal: AbortSignal): Promise<string> {
      try {
        await git(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--', repository, `+refs/heads/${branch}:${trackingRef}`], signal);
        return (await git(['rev-parse', '--verify', '--quiet', `${trackingRef}^{commit}`], signal)).trim();
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        throw classifySshError(err, options);
      }
    },
  });
}

function sshCommand(options: SshFetcherOptions): string {
  const parts = [
    options.ssh ?? 'ssh',
    '-i',
    shellQuote(options.auth.sshKeyFile),
    '-o IdentitiesOnly=yes',
    '-o BatchMode=yes',
    '-o StrictHostKeyChecking=yes',
  ];
  if (options.auth.knownHostsFile !== undefined) parts.push(`-o UserKnownHostsFile=${shellQuote(options.auth.knownHostsFile)}`);
  return parts.join(' ');
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** git's stderr on one line, without its generic advice. */
function condense(stderr: string): string {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^(Please make sure you have the correct access rights|and the repository exists\.)$/.test(line))
    .join(' ');
}

function classifySshError(err: unknown, options: SshFetcherOptions): Error {
  const { repository, branch } = options;
  const failure = err as { code?: unknown; stderr?: unknown };
  if (failure.code === 'ENOENT') {
    return new GitopsFetchError(
      `the ${options.git ?? 'git'} program was not found: ssh_key auth fetches with git and an ssh client; install them or use an https:// URL with https_token`,
      { cause: err },
    );
  }
  const stderr = typeof failure.stderr === 'string' ? condense(failure.stderr) : '';
  const shown = stderr.length > MAX_SHOWN_STDERR ? `…${stderr.slice(-MAX_SHOWN_STDERR)}` : stderr;
  if (AUTH_FAILURE.test(stderr)) {
    return new GitopsAuthError(`ssh refused access to ${repository} with the key ${options.auth.sshKeyFile}: ${shown}`, { cause: err });
  }
  if (/couldn't find remote ref|fatal: invalid refspec/i.test(stderr)) {
    return new GitopsFetchError(`branch ${branch} was not found in ${repository}`, { cause: err });
  }
  return new GitopsFetchError(`fetching ${repository} over ssh failed: ${shown === '' ? String(err) : shown}`, { cause: err });
}
