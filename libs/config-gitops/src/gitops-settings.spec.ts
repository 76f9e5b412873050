import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';
import { GitopsSettingsError } from './errors.js';
import { SETTING_ENV_NAMES, parseGitopsSettings, type RawGitopsSettings } from './gitops-settings.js';

const env = (values: Record<string, unknown>): RawGitopsSettings => {
  const keys: Record<string, string> = SETTING_ENV_NAMES;
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { value, key: keys[name] ?? name }]));
};

function problem(values: Record<string, unknown>): string {
  try {
    parseGitopsSettings(env(values));
  } catch (err) {
    expect(err).toBeInstanceOf(GitopsSettingsError);
    return (err as Error).message;
  }
  throw new Error('expected the settings to be refused');
}

describe('parseDuration', () => {
  it.each([
    ['200ms', 200],
    ['30s', 30_000],
    ['1m', 60_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '1', '1.5s', '-1s', '1 m', '1d', 'm'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('parseGitopsSettings', () => {
  it('fills the defaults and freezes the result', () => {
    const settings = parseGitopsSettings(env({ repository: 'https://github.com/example/opamp-configs.git' }));
    expect(settings).toEqual({
      repository: 'https://github.com/example/opamp-configs.git',
      transport: 'http',
      branch: 'main',
      path: 'configs',
      syncIntervalMs: 60_000,
      auth: { type: 'none' },
      tenantId: 'default',
    });
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings.auth)).toBe(true);
  });

  it('takes every setting', () => {
    const settings = parseGitopsSettings(
      env({
        repository: 'git@github.com:example/opamp-configs.git',
        branch: 'release/1.x',
        path: './clusters/eu/',
        syncInterval: '1m30s',
        authType: 'ssh_key',
        sshKeyFile: '/etc/opamp/git_deploy_key',
        tenant: 'acme',
      }),
    );
    expect(settings).toEqual({
      repository: 'git@github.com:example/opamp-configs.git',
      transport: 'ssh',
      branch: 'release/1.x',
      path: 'clusters/eu',
      syncIntervalMs: 90_000,
      auth: { type: 'ssh_key', sshKeyFile: '/etc/opamp/git_deploy_key' },
      tenantId: 'acme',
    });
  });

  it('reads "." as the repository root', () => {
    expect(parseGitopsSettings(env({ repository: 'https://h/r.git', path: '.' })).path).toBe('');
  });

  it('names the missing repository', () => {
    expect(problem({})).toContain('GITOPS_REPOSITORY must be set');
  });

  it('lists every bad value, each with its key', () => {
    const message = problem({ repository: 'ftp://h/r', branch: 'a..b', path: '../up', syncInterval: '5 minutes', tenant: '' });
    expect(message).toContain('GITOPS_REPOSITORY must be an https://');
    expect(message).toContain('GITOPS_BRANCH must be a branch name');
    expect(message).toContain('GITOPS_PATH must be a relative directory');
    expect(message).toContain('GITOPS_SYNC_INTERVAL must be a duration');
    expect(message).toContain('GITOPS_TENANT must not be empty');
  });

  it.each([
    ['50ms', 'too short'],
    ['25h', 'too long'],
  ])('refuses a sync interval of %s (%s)', (value) => {
    expect(problem({ repository: 'https://h/r.git', syncInterval: value })).toContain('GITOPS_SYNC_INTERVAL must be a duration from 100ms to 24h');
  });

  it('refuses a password in the URL', () => {
    expect(problem({ repository: 'https://user:hunter2@h/r.git' })).toContain('GITOPS_REPOSITORY must not contain a password');
    expect(problem({ repository: 'https://user:hunter2@h/r.git' })).not.toContain('hunter2');
  });

  it('refuses ssh_key auth with an https URL and suggests the ssh URL (the seed example)', () => {
    const message = problem({ repository: 'https://github.com/example/opamp-configs.git', authType: 'ssh_key', sshKeyFile: '/k' });
    expect(message).toContain('GITOPS_AUTH ssh_key needs an ssh repository URL (e.g. ssh://git@github.com/example/opamp-configs.git)');
  });

  it('refuses an ssh URL without ssh_key auth', () => {
    expect(problem({ repository: 'ssh://git@h/r.git' })).toContain('GITOPS_AUTH must be ssh_key for an ssh repository URL');
  });

  it('needs the file of the chosen auth', () => {
    expect(problem({ repository: 'https://h/r.git', authType: 'https_token' })).toContain('GITOPS_TOKEN_FILE must be set when auth is https_token');
    expect(problem({ repository: 'ssh://git@h/r.git', authType: 'ssh_key' })).toContain('GITOPS_SSH_KEY_FILE must be set when auth is ssh_key');
  });

  it('refuses a token over plain http except to this machine', () => {
    expect(problem({ repository: 'http://git.example.com/r.git', authType: 'https_token', tokenFile: '/t' })).toContain(
      'GITOPS_REPOSITORY must be https:// with https_token auth',
    );
    const local = parseGitopsSettings(env({ repository: 'http://127.0.0.1:8080/r.git', authType: 'https_token', tokenFile: '/t' }));
    expect(local.auth).toEqual({ type: 'https_token', tokenFile: '/t' });
  });

  it('refuses a value of the wrong type from YAML, naming the YAML key', () => {
    const raw: RawGitopsSettings = {
      repository: { value: 'https://h/r.git', key: 'server.config_store.git.repository' },
      syncInterval: { value: 60, key: 'server.config_store.git.sync_interval' },
    };
    expect(() => parseGitopsSettings(raw)).toThrow('server.config_store.git.sync_interval must be a duration such as 1m or 30s');
  });
});
