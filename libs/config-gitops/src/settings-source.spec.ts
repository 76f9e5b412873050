import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitopsSettingsError } from './errors.js';
import { gitopsConfigured, loadGitopsSettings } from './settings-source.js';

// Seed §7.1, as users paste it (with an ssh URL: the seed's https URL cannot carry an ssh key).
const SEED_YAML = `
server:
  listen:
    grpc: 0.0.0.0:4320
    http: 0.0.0.0:8080
  tls:
    enabled: true
    cert_file: /etc/opamp/server.crt
  config_store:
    type: git
    git:
      repository: git@github.com:example/opamp-configs.git
      branch: main
      sync_interval: 1m
      auth:
        type: ssh_key
        ssh_key_file: /etc/opamp/git_deploy_key
  database:
    type: postgresql
    dsn: postgres://opamp:password@postgres:5432/opamp?sslmode=require
`;

describe('loadGitopsSettings', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shepherd-gitops-settings-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(text: string): Promise<string> {
    const path = join(dir, 'server.yaml');
    await writeFile(path, text);
    return path;
  }

  it('is configured by GITOPS_REPOSITORY or GITOPS_CONFIG_FILE only', () => {
    expect(gitopsConfigured({})).toBe(false);
    expect(gitopsConfigured({ GITOPS_BRANCH: 'main' })).toBe(false);
    expect(gitopsConfigured({ GITOPS_REPOSITORY: 'https://h/r.git' })).toBe(true);
    expect(gitopsConfigured({ GITOPS_CONFIG_FILE: '/etc/shepherd.yaml' })).toBe(true);
  });

  it('reads the environment', async () => {
    const settings = await loadGitopsSettings({
      GITOPS_REPOSITORY: 'https://git.example.com/configs.git',
      GITOPS_AUTH: 'https_token',
      GITOPS_TOKEN_FILE: '/run/secrets/token',
      GITOPS_SYNC_INTERVAL: '30s',
    });
    expect(settings).toMatchObject({ syncIntervalMs: 30_000, auth: { type: 'https_token', tokenFile: '/run/secrets/token' } });
  });

  it('reads the seed §7.1 server YAML, ignoring the other sections', async () => {
    const settings = await loadGitopsSettings({ GITOPS_CONFIG_FILE: await file(SEED_YAML) });
    expect(settings).toEqual({
      repository: 'git@github.com:example/opamp-configs.git',
      transport: 'ssh',
      branch: 'main',
      path: 'configs',
      syncIntervalMs: 60_000,
      auth: { type: 'ssh_key', sshKeyFile: '/etc/opamp/git_deploy_key' },
      tenantId: 'default',
    });
  });

  it('lets each variable override its key of the file', async () => {
    const settings = await loadGitopsSettings({
      GITOPS_CONFIG_FILE: await file(SEED_YAML),
      GITOPS_BRANCH: 'staging',
      GITOPS_SYNC_INTERVAL: '10s',
    });
    expect(settings).toMatchObject({ branch: 'staging', syncIntervalMs: 10_000, auth: { type: 'ssh_key' } });
  });

  it('names the YAML key of a bad value', async () => {
    const yaml = SEED_YAML.replace('sync_interval: 1m', 'sync_interval: often');
    await expect(loadGitopsSettings({ GITOPS_CONFIG_FILE: await file(yaml) })).rejects.toThrow(
      /GITOPS_CONFIG_FILE \(.*server\.yaml\) server\.config_store\.git\.sync_interval must be a duration/,
    );
  });

  it('refuses the seed example as written (https URL with ssh_key) and says what to use instead', async () => {
    const yaml = SEED_YAML.replace('git@github.com:example/opamp-configs.git', 'https://github.com/example/opamp-configs.git');
    await expect(loadGitopsSettings({ GITOPS_CONFIG_FILE: await file(yaml) })).rejects.toThrow(
      'server.config_store.git.auth.type ssh_key needs an ssh repository URL (e.g. ssh://git@github.com/example/opamp-configs.git); for an https:// URL use https_token',
    );
  });

  it.each([
    ['an unknown key under git', SEED_YAML.replace('branch: main', 'brnch: main'), 'server.config_store.git.brnch is not a known key'],
    ['another store type', SEED_YAML.replace('type: git', 'type: s3'), 'server.config_store.type must be git'],
    ['no config_store', 'server:\n  listen: {}\n', 'server.config_store is missing'],
    ['no server', 'other: 1\n', 'server is missing'],
    ['not YAML', 'server: [\n', 'is not valid YAML'],
  ])('refuses %s', async (_what, yaml, message) => {
    const promise = loadGitopsSettings({ GITOPS_CONFIG_FILE: await file(yaml) });
    await expect(promise).rejects.toBeInstanceOf(GitopsSettingsError);
    await expect(promise).rejects.toThrow(message);
  });

  it('refuses an unreadable file, naming it', async () => {
    await expect(loadGitopsSettings({ GITOPS_CONFIG_FILE: join(dir, 'missing.yaml') })).rejects.toThrow(
      /GITOPS_CONFIG_FILE \(.*missing\.yaml\) cannot be read: ENOENT/,
    );
  });
});
