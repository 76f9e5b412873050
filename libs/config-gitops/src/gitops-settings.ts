import { z } from 'zod';
import { parseDuration } from './duration.js';
import { GitopsSettingsError } from './errors.js';
import { type GitTransport, isLoopbackHost, parseRepositoryUrl, type RepositoryUrl, suggestedSshUrl } from './repository-url.js';

/** How the sync authenticates to the remote. Secrets stay in their files; only paths are kept here. */
export type GitopsAuth =
  | { readonly type: 'none' }
  | { readonly type: 'https_token'; readonly tokenFile: string }
  | { readonly type: 'ssh_key'; readonly sshKeyFile: string; readonly knownHostsFile?: string };

/** Validated, frozen settings of the GitOps config source. */
export interface GitopsSettings {
  /** The repository URL as configured (never holds a password). */
  readonly repository: string;
  readonly transport: GitTransport;
  readonly branch: string;
  /** Directory inside the repository whose subdirectories are configs; `''` is the repository root. */
  readonly path: string;
  readonly syncIntervalMs: number;
  readonly auth: GitopsAuth;
  /** Tenant the configs are created in. */
  readonly tenantId: string;
}

/** The settings by name, before validation. */
export const SETTING_NAMES = [
  'repository',
  'branch',
  'path',
  'syncInterval',
  'authType',
  'tokenFile',
  'sshKeyFile',
  'knownHostsFile',
  'tenant',
] as const;
export type SettingName = (typeof SETTING_NAMES)[number];

/** One raw value and the key it came from (an environment variable or a YAML path), for messages. */
export interface RawSetting {
  readonly value: unknown;
  readonly key: string;
}

/** Raw settings; a missing name takes its default. */
export type RawGitopsSettings = Partial<Record<SettingName, RawSetting>>;

/** Shortest and longest sync interval accepted. */
export const MIN_SYNC_INTERVAL_MS = 100;
export const MAX_SYNC_INTERVAL_MS = 24 * 3_600_000;

const BRANCH = /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*\.lock$)(?!.*\/$)[A-Za-z0-9._/-]{1,200}$/;
const PATH_SEGMENT = /^(?!\.{1,2}$)[^/\\\0]{1,255}$/;
const text = (what: string) => z.string({ error: `must be ${what}` }).trim().min(1, { error: 'must not be empty' });

const schema = z
  .object({
    repository: text('a repository URL').transform((value, ctx) => {
      const parsed = parseRepositoryUrl(value);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
      return parsed as RepositoryUrl;
    }),
    branch: text('a branch name').default('main').refine((value) => BRANCH.test(value), { error: 'must be a branch name such as main' }),
    path: z.string({ error: 'must be a directory path' }).trim().default('configs').transform((value, ctx) => {
      const segments = value.split('/').filter((segment) => segment !== '' && segment !== '.');
      if (value.startsWith('/') || !segments.every((segment) => PATH_SEGMENT.test(segment))) {
        ctx.addIssue({ code: 'custom', message: 'must be a relative directory inside the repository, such as configs (no "..")' });
      }
      return segments.join('/');
    }),
    syncInterval: text('a duration such as 1m or 30s').default('1m').transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined || ms < MIN_SYNC_INTERVAL_MS || ms > MAX_SYNC_INTERVAL_MS) {
        ctx.addIssue({ code: 'custom', message: `must be a duration from ${MIN_SYNC_INTERVAL_MS}ms to 24h, such as 1m, 30s or 1m30s` });
      }
      return ms ?? 0;
    }),
    authType: z.enum(['none', 'https_token', 'ssh_key'], { error: 'must be one of none, https_token, ssh_key' }).default('none'),
    tokenFile: text('a file path').optional(),
    sshKeyFile: text('a file path').optional(),
    knownHostsFile: text('a file path').optional(),
    tenant: text('a tenant id').max(256, { error: 'must be at most 256 characters' }).default('default'),
  })
  .superRefine((s, ctx) => {
    const problem = authProblem(s.repository, s.authType, s);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [problem.name], message: problem.message });
  });

type Parsed = z.output<typeof schema>;

/**
 * Validates raw settings (from the environment and/or the server YAML file) once and returns
 * them frozen. Defaults: branch `main`, path `configs`, sync interval `1m`, auth `none`, tenant
 * `default`.
 * @throws GitopsSettingsError listing every problem, each naming its key (never a secret's value)
 */
export function parseGitopsSettings(raw: RawGitopsSettings): GitopsSettings {
  const values = Object.fromEntries(SETTING_NAMES.map((name) => [name, raw[name]?.value]));
  const result = schema.safeParse(values);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path[0] as SettingName | undefined;
      const key = name === undefined ? 'GitOps settings' : (raw[name]?.key ?? SETTING_ENV_NAMES[name]);
      return `${key} ${issue.code === 'invalid_type' && raw[name as SettingName] === undefined ? 'must be set' : issue.message}`;
    });
    throw new GitopsSettingsError(`invalid GitOps settings: ${problems.join('; ')}`);
  }
  return freezeSettings(result.data);
}

/** The environment variable of each setting; errors name it when the setting came from nowhere else. */
export const SETTING_ENV_NAMES = Object.freeze({
  repository: 'GITOPS_REPOSITORY',
  branch: 'GITOPS_BRANCH',
  path: 'GITOPS_PATH',
  syncInterval: 'GITOPS_SYNC_INTERVAL',
  authType: 'GITOPS_AUTH',
  tokenFile: 'GITOPS_TOKEN_FILE',
  sshKeyFile: 'GITOPS_SSH_KEY_FILE',
  knownHostsFile: 'GITOPS_SSH_KNOWN_HOSTS_FILE',
  tenant: 'GITOPS_TENANT',
} as const satisfies Record<SettingName, `GITOPS_${string}`>);

interface AuthFiles {
  readonly tokenFile?: string | undefined;
  readonly sshKeyFile?: string | undefined;
}

function authProblem(repo: RepositoryUrl, authType: Parsed['authType'], files: AuthFiles): { name: SettingName; message: string } | undefined {
  // An unparsable URL is already reported; the pairing with auth cannot be judged then.
  if (typeof repo !== 'object') return undefined;
  if (authType === 'ssh_key') {
    if (repo.transport !== 'ssh') {
      return {
        name: 'authType',
        message:
          `ssh_key needs an ssh repository URL (e.g. ${suggestedSshUrl(repo.url)}); ` +
          'for an https:// URL use https_token with a token file',
      };
    }
    if (files.sshKeyFile === undefined) return { name: 'sshKeyFile', message: 'must be set when auth is ssh_key' };
    return undefined;
  }
  if (repo.transport === 'ssh') {
    return { name: 'authType', message: 'must be ssh_key for an ssh repository URL (isomorphic-git speaks only HTTP(S))' };
  }
  if (authType === 'https_token') {
    if (files.tokenFile === undefined) return { name: 'tokenFile', message: 'must be set when auth is https_token' };
    if (repo.plainHttp && !isLoopbackHost(repo.host)) {
      return { name: 'repository', message: 'must be https:// with https_token auth (plain http would send the token in clear)' };
    }
  }
  return undefined;
}

function freezeSettings(s: Parsed): GitopsSettings {
  const auth: GitopsAuth =
    s.authType === 'https_token'
      ? { type: 'https_token', tokenFile: s.tokenFile as string }
      : s.authType === 'ssh_key'
        ? { type: 'ssh_key', sshKeyFile: s.sshKeyFile as string, ...(s.knownHostsFile === undefined ? {} : { knownHostsFile: s.knownHostsFile }) }
        : { type: 'none' };
  return Object.freeze({
    repository: s.repository.url,
    transport: s.repository.transport,
    branch: s.branch,
    path: s.path,
    syncIntervalMs: s.syncInterval,
    auth: Object.freeze(auth),
    tenantId: s.tenant,
  });
}
