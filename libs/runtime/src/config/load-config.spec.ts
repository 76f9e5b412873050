import { resolve } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError, UnknownEnvVarError } from '../errors.js';
import { requireInProduction } from './config-rules.js';
import type { EnvVarName } from './env-catalogue.js';
import { loadConfig } from './load-config.js';

/** The issue `loadConfig` reports for `env`, expecting exactly one. */
function problemFor(names: readonly EnvVarName[], env: Record<string, string>): string {
  try {
    loadConfig(names, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const { issues } = err as ConfigError;
    expect(issues).toHaveLength(1);
    return `${issues[0]!.variable} ${issues[0]!.problem}`;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('loadConfig', () => {
  it('applies catalogue defaults, coerces types and uses camelCase keys', () => {
    const cfg = loadConfig(
      ['LOG_LEVEL', 'ADMIN_HOST', 'ADMIN_PORT', 'SHUTDOWN_TIMEOUT_MS', 'DATA_DIR', 'NATS_URL', 'REDIS_URL', 'DATABASE_URL', 'BLOB_URL'],
      {},
    );
    expect(cfg).toEqual({
      shepherdMode: 'development',
      logLevel: 'info',
      adminHost: '0.0.0.0',
      adminPort: 9464,
      shutdownTimeoutMs: 25000,
      dataDir: resolve('./data'),
      natsUrl: undefined,
      redisUrl: undefined,
      databaseUrl: undefined,
      blobUrl: undefined,
    });
    expectTypeOf(cfg.adminPort).toEqualTypeOf<number>();
    expectTypeOf(cfg.shepherdMode).toEqualTypeOf<'development' | 'production'>();
    expectTypeOf(cfg.natsUrl).toEqualTypeOf<string | undefined>();
    expectTypeOf(cfg.databaseUrl).toEqualTypeOf<string | undefined>();
  });

  it('returns only the requested variables plus shepherdMode', () => {
    const cfg = loadConfig(['ADMIN_PORT'], { ADMIN_PORT: '8080', LOG_LEVEL: 'nonsense' });
    expect(cfg).toEqual({ shepherdMode: 'development', adminPort: 8080 });
    // @ts-expect-error LOG_LEVEL was not requested, so the key does not exist on the type
    expect(cfg.logLevel).toBeUndefined();
  });

  it('parses real engine URLs, normalising a NATS server list', () => {
    const cfg = loadConfig(['NATS_URL', 'REDIS_URL', 'DATABASE_URL', 'BLOB_URL', 'SHEPHERD_MODE'], {
      SHEPHERD_MODE: 'production',
      NATS_URL: 'nats://a.example:4222, tls://b.example:4222',
      REDIS_URL: 'rediss://:pw@redis.example:6380/2',
      DATABASE_URL: 'postgresql:///shepherd?host=/var/run/postgresql',
      BLOB_URL: 's3://packages/prod?endpoint=http://minio:9000&region=us-east-1&forcePathStyle=true',
    });
    expect(cfg.shepherdMode).toBe('production');
    expect(cfg.natsUrl).toBe('nats://a.example:4222,tls://b.example:4222');
    expect(cfg.redisUrl).toBe('rediss://:pw@redis.example:6380/2');
    expect(cfg.databaseUrl).toBe('postgresql:///shepherd?host=/var/run/postgresql');
    expect(cfg.blobUrl).toContain('s3://packages/prod');
  });

  it('treats blank values as unset and trims the others', () => {
    const cfg = loadConfig(['NATS_URL', 'ADMIN_PORT', 'LOG_LEVEL'], { NATS_URL: '  ', ADMIN_PORT: '', LOG_LEVEL: ' debug ' });
    expect(cfg).toMatchObject({ natsUrl: undefined, adminPort: 9464, logLevel: 'debug' });
  });

  it('lets the app choose defaults such as SERVICE_NAME, and requires it when nobody does', () => {
    expect(loadConfig(['SERVICE_NAME'], {}, { defaults: { SERVICE_NAME: 'gateway' } }).serviceName).toBe('gateway');
    expect(loadConfig(['SERVICE_NAME'], { SERVICE_NAME: 'gw-eu-1' }, { defaults: { SERVICE_NAME: 'gateway' } }).serviceName).toBe('gw-eu-1');
    expect(problemFor(['SERVICE_NAME'], {})).toBe('SERVICE_NAME must be set');
  });

  it('returns a deeply frozen object', () => {
    const cfg = loadConfig(['NATS_URL'], { NATS_URL: 'nats://a:4222' });
    expect(Object.isFrozen(cfg)).toBe(true);
    expect(() => ((cfg as { shepherdMode: string }).shepherdMode = 'production')).toThrow(TypeError);
    expect(() => Object.assign(cfg, { adminPort: 1 })).toThrow(TypeError);
  });

  it.each([
    ['ADMIN_PORT', '99999', 'ADMIN_PORT must be an integer from 0 to 65535 (got "99999")'],
    ['ADMIN_PORT', '80a', 'ADMIN_PORT must be an integer from 0 to 65535 (got "80a")'],
    ['ADMIN_PORT', '-1', 'ADMIN_PORT must be an integer from 0 to 65535 (got "-1")'],
    ['SHUTDOWN_TIMEOUT_MS', '0', 'SHUTDOWN_TIMEOUT_MS must be an integer from 1 to 3600000 (got "0")'],
    ['LOG_LEVEL', 'verbose', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")'],
    ['SHEPHERD_MODE', 'prod', 'SHEPHERD_MODE must be one of development, production (got "prod")'],
    ['ADMIN_HOST', 'http://x', 'ADMIN_HOST must be a host name or an IP address (no scheme, no port), e.g. 0.0.0.0 (got "http://x")'],
    ['SERVICE_NAME', 'my service', 'SERVICE_NAME must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit (got "my service")'],
    ['NATS_URL', 'http//x', 'NATS_URL must be a nats:// or tls:// URL (got "http//x")'],
    ['NATS_URL', 'http://nats:4222', 'NATS_URL must be a nats:// or tls:// URL (got "http://nats:4222")'],
    ['NATS_URL', 'nats://', 'NATS_URL must be a nats:// or tls:// URL with a host, e.g. nats://host:port (got "nats://")'],
    ['NATS_URL', 'nats://a:99999', 'NATS_URL must be a nats:// or tls:// URL (got "nats://a:99999")'],
    ['NATS_URL', 'nats://a,,nats://b', 'NATS_URL entry 2 of the comma-separated list is empty; give a nats:// or tls:// URL (got "nats://a,,nats://b")'],
    ['NATS_URL', 'nats://a, redis://b', 'NATS_URL entry 2 of the comma-separated list must be a nats:// or tls:// URL (got "nats://a, redis://b")'],
    ['BLOB_URL', 'ftp://x/y', 'BLOB_URL must be a file:///absolute/path or s3://bucket[/prefix] URL (got "ftp://x/y")'],
    ['BLOB_URL', 'file://relative/dir', 'BLOB_URL must be a file:///absolute/path URL (three slashes; a relative path is not allowed) (got "file://relative/dir")'],
    ['BLOB_URL', 's3://Bad_Bucket', 'BLOB_URL must name a valid S3 bucket (3-63 lowercase letters, digits, "." or "-") (got "s3://Bad_Bucket")'],
    ['BLOB_URL', 's3://bucket?endpont=http://m', 'BLOB_URL has unknown parameter "endpont" (allowed: endpoint, region, forcePathStyle) (got "s3://bucket?endpont=http://m")'],
    ['BLOB_URL', 's3://bucket?endpoint=minio:9000', 'BLOB_URL has an endpoint that is not an http:// or https:// URL with a host (got "s3://bucket?endpoint=minio:9000")'],
    ['BLOB_URL', 's3://bucket?forcePathStyle=yes', 'BLOB_URL has forcePathStyle other than true or false (got "s3://bucket?forcePathStyle=yes")'],
  ] as const)('rejects %s=%s with a message a human understands', (name, value, expected) => {
    expect(problemFor([name], { [name]: value })).toBe(expected);
  });

  it.each([
    ['REDIS_URL', 'http://:hunter2@r:6379', 'REDIS_URL must be a redis:// or rediss:// URL (value not shown: secret)'],
    ['REDIS_URL', 'redis://:hunter2@r:6379/x', 'REDIS_URL must have only a database number as its path, e.g. redis://host:6379/0 (value not shown: secret)'],
    ['DATABASE_URL', 'mysql://app:hunter2@db/app', 'DATABASE_URL must be a postgres:// or postgresql:// URL (value not shown: secret)'],
    ['DATABASE_URL', 'postgres:///app?password=hunter2', 'DATABASE_URL must be a postgres:// or postgresql:// URL with a host, e.g. postgres://user@host:5432/db (value not shown: secret)'],
  ] as const)('never echoes the value of secret %s', (name, value, expected) => {
    const problem = problemFor([name], { [name]: value });
    expect(problem).toBe(expected);
    expect(problem).not.toContain('hunter2');
  });

  it('hides a URL password and caps the length when echoing a non-secret value', () => {
    expect(problemFor(['BLOB_URL'], { BLOB_URL: 's3://key:hunter2@bucket' })).toBe(
      'BLOB_URL must not contain credentials; the S3 client reads them from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (got "s3://key:***@bucket")',
    );
    const problem = problemFor(['SERVICE_NAME'], { SERVICE_NAME: 'x'.repeat(500) });
    expect(problem.length).toBeLessThan(300);
    expect(problem).toContain('…');
  });

  it('reports every invalid variable at once, in catalogue order', () => {
    const env = { NATS_URL: 'http//x', ADMIN_PORT: '70000', DATABASE_URL: 'postgres://' };
    expect(() => loadConfig(['NATS_URL', 'DATABASE_URL', 'ADMIN_PORT'], env)).toThrow(
      'invalid configuration: ADMIN_PORT: must be an integer from 0 to 65535 (got "70000"); ' +
        'NATS_URL: must be a nats:// or tls:// URL (got "http//x"); ' +
        'DATABASE_URL: must be a postgres:// or postgresql:// URL with a host, e.g. postgres://user@host:5432/db (value not shown: secret)',
    );
    try {
      loadConfig(['NATS_URL', 'DATABASE_URL', 'ADMIN_PORT'], env);
    } catch (err) {
      expect(err).toMatchObject({ code: 'CONFIG_INVALID', kind: 'invalid_argument' });
      expect((err as ConfigError).issues.map((issue) => issue.variable)).toEqual(['ADMIN_PORT', 'NATS_URL', 'DATABASE_URL']);
    }
  });

  it('refuses a name that is not in the catalogue', () => {
    expect(() => loadConfig(['NOT_A_VARIABLE' as EnvVarName], {})).toThrow(UnknownEnvVarError);
  });
});

describe('config rules', () => {
  const names = ['NATS_URL', 'DATABASE_URL'] as const;
  const rules = [requireInProduction('NATS_URL', 'DATABASE_URL')];

  it('let development run on embedded engines', () => {
    expect(loadConfig(names, {}, { rules }).natsUrl).toBeUndefined();
  });

  it('refuse embedded engines in production, naming each missing variable', () => {
    expect(() => loadConfig(names, { SHEPHERD_MODE: 'production', NATS_URL: 'nats://n:4222' }, { rules })).toThrow(
      'invalid configuration: DATABASE_URL must be set when SHEPHERD_MODE=production',
    );
  });

  it('accept a custom rule and report what it returns', () => {
    const noWildcardInProduction = (cfg: { shepherdMode: string; adminHost: string }) =>
      cfg.shepherdMode === 'production' && cfg.adminHost === '0.0.0.0'
        ? [{ variable: 'ADMIN_HOST', problem: 'must not be 0.0.0.0 in production' }]
        : [];
    const load = (env: Record<string, string>) => loadConfig(['ADMIN_HOST'], env, { rules: [noWildcardInProduction] });
    expect(load({}).adminHost).toBe('0.0.0.0');
    expect(() => load({ SHEPHERD_MODE: 'production' })).toThrow('ADMIN_HOST must not be 0.0.0.0 in production');
  });

  it('only fit a config that loads the variables they check (compile-time)', () => {
    // @ts-expect-error REDIS_URL is not loaded, so this rule cannot apply to this config
    expect(loadConfig(['NATS_URL'], {}, { rules: [requireInProduction('REDIS_URL')] }).shepherdMode).toBe('development');
  });
});
