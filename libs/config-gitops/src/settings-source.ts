import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { GitopsSettingsError } from './errors.js';
import { SETTING_ENV_NAMES, parseGitopsSettings, type GitopsSettings, type RawGitopsSettings, type SettingName } from './gitops-settings.js';

/** The environment variables the GitOps source reads (values already trimmed; unset = undefined). */
export const GITOPS_ENV = [
  'GITOPS_REPOSITORY',
  'GITOPS_BRANCH',
  'GITOPS_PATH',
  'GITOPS_SYNC_INTERVAL',
  'GITOPS_AUTH',
  'GITOPS_TOKEN_FILE',
  'GITOPS_SSH_KEY_FILE',
  'GITOPS_SSH_KNOWN_HOSTS_FILE',
  'GITOPS_TENANT',
  'GITOPS_CONFIG_FILE',
] as const;
export type GitopsEnvName = (typeof GITOPS_ENV)[number];

/** Values of {@link GITOPS_ENV}; `undefined` when unset. */
export type GitopsEnv = Readonly<Partial<Record<GitopsEnvName, string | undefined>>>;

const ENV_OF: Readonly<Record<SettingName, GitopsEnvName>> = SETTING_ENV_NAMES;

// Where each setting sits in the seed §7.1 server YAML, under server.config_store.git.
const YAML_OF: Readonly<Record<SettingName, readonly string[]>> = {
  repository: ['repository'],
  branch: ['branch'],
  path: ['path'],
  syncInterval: ['sync_interval'],
  authType: ['auth', 'type'],
  tokenFile: ['auth', 'token_file'],
  sshKeyFile: ['auth', 'ssh_key_file'],
  knownHostsFile: ['auth', 'known_hosts_file'],
  tenant: ['tenant'],
};

const GIT_PREFIX = 'server.config_store.git';
const MAX_FILE_BYTES = 1024 * 1024;

const value = z.unknown().optional();
const fileSchema = z.object({
  server: z.looseObject({
    config_store: z.strictObject({
      type: z.literal('git', { error: 'must be git (the only config store type Shepherd syncs from)' }),
      // Values are checked by the settings schema, which names the key; here only the shape.
      git: z.strictObject({
        repository: value,
        branch: value,
        path: value,
        sync_interval: value,
        tenant: value,
        auth: z.strictObject({ type: value, token_file: value, ssh_key_file: value, known_hosts_file: value }).optional(),
      }),
    }),
  }, { error: 'must be an object' }),
});

/** True when the environment asks for the GitOps source at all. */
export function gitopsConfigured(env: GitopsEnv): boolean {
  return env.GITOPS_REPOSITORY !== undefined || env.GITOPS_CONFIG_FILE !== undefined;
}

/**
 * Reads the settings: the `server.config_store` section of the YAML file named by
 * GITOPS_CONFIG_FILE (when set) first, then each GITOPS_* variable that is set overrides its key.
 * Validated once; the result is frozen.
 * @throws GitopsSettingsError naming the variable or YAML key at fault, or the unreadable file
 */
export async function loadGitopsSettings(env: GitopsEnv): Promise<GitopsSettings> {
  const fromFile = env.GITOPS_CONFIG_FILE === undefined ? {} : await readServerConfigFile(env.GITOPS_CONFIG_FILE);
  const merged: Record<string, { value: unknown; key: string }> = { ...fromFile };
  for (const [name, variable] of Object.entries(ENV_OF)) {
    const value = env[variable];
    if (value !== undefined) merged[name] = { value, key: variable };
  }
  return parseGitopsSettings(merged as RawGitopsSettings);
}

/**
 * The GitOps settings of a server YAML file in the seed §7.1 shape
 * (`server.config_store: {type: git, git: {repository, branch, sync_interval, path?, tenant?, auth: {type, ssh_key_file | token_file}}}`);
 * other sections of `server` are ignored, unknown keys under `config_store` are refused.
 * @throws GitopsSettingsError when the file is unreadable, not YAML, or not in that shape
 */
export async function readServerConfigFile(file: string): Promise<RawGitopsSettings> {
  const what = `GITOPS_CONFIG_FILE (${file})`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new GitopsSettingsError(`${what} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) throw new GitopsSettingsError(`${what} is larger than ${MAX_FILE_BYTES} bytes`);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new GitopsSettingsError(`${what} is not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  const result = fileSchema.safeParse(doc);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = [...issue.path, ...(issue.code === 'unrecognized_keys' ? [issue.keys.join(', ')] : [])].join('.');
      const message = issue.code === 'unrecognized_keys' ? 'is not a known key' : issue.code === 'invalid_type' && issue.input === undefined ? 'is missing' : issue.message;
      return `${path === '' ? 'the document' : path} ${message}`;
    });
    throw new GitopsSettingsError(`${what}: ${problems.join('; ')}`);
  }
  const git = result.data.server.config_store.git as Record<string, unknown>;
  const raw: Record<string, { value: unknown; key: string }> = {};
  for (const [name, path] of Object.entries(YAML_OF)) {
    const value = path.reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), git);
    if (value !== undefined && value !== null) raw[name] = { value, key: `${what} ${GIT_PREFIX}.${path.join('.')}` };
  }
  return raw as RawGitopsSettings;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
