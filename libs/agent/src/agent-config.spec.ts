import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentConfigError } from './agent-config-error.js';
import { loadAgentConfig, parseAgentConfig, type AgentConfig } from './agent-config.js';

const BASE = '/etc/shepherd-agent';
const parse = (yaml: string, env: Record<string, string> = {}): AgentConfig =>
  parseAgentConfig(yaml, { source: 'agent.yaml', baseDir: BASE, env, hostName: 'host-1' });

/** The problems of a config that must fail, as `path: message` lines. */
function problems(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    parse(yaml, env);
  } catch (err) {
    expect(err).toBeInstanceOf(AgentConfigError);
    return (err as AgentConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('the config was accepted');
}

const MINIMAL = `
opamp:
  server:
    endpoint: ws://127.0.0.1:4320/v1/opamp
  local_config_path: ./otelcol.yaml
  config_signing:
    public_key_files: [keys/shepherd.pub]
`;

/** The seed document's section 7.2 file, verbatim apart from the Shepherd signing key. */
const SEED_7_2 = `
opamp:
  server:
    endpoint: wss://opamp.example.com:4320/v1/opamp
    tls:
      insecure: false
      cert_file: /etc/certs/agent.crt
      key_file: /etc/certs/agent.key
      ca_file: /etc/certs/ca.crt
    headers:
      Authorization: "Bearer \${OPAMP_TOKEN}"
  agent:
    instance_id: "\${HOSTNAME}"
    labels:
      env: "\${ENV}"
      region: "\${REGION}"
      tenant: "\${TENANT}"
  capabilities:
    accepts_remote_config: true
    reports_health: true
    accepts_packages: true
    accepts_restart_command: true
  health:
    report_interval: 30s
    metrics:
      - cpu_usage
      - memory_usage
      - goroutines
      - spans_rate
      - export_latency
  local_config_path: /etc/otelcol/config.yaml
  packages_dir: /opt/otelcol/packages
  config_signing:
    public_key_files: [/etc/shepherd/config-signing.pub]
`;

const SEED_ENV = { OPAMP_TOKEN: 't0ken', HOSTNAME: 'edge-7', ENV: 'prod', REGION: 'us-west', TENANT: 'team-platform' };

describe('parseAgentConfig', () => {
  it('reads the seed 7.2 file: env expanded, durations in ms, packages accepted but not declared (a warning says so)', () => {
    const config = parse(SEED_7_2, SEED_ENV);
    expect(config.server).toEqual({
      endpoint: 'wss://opamp.example.com:4320/v1/opamp',
      transport: 'websocket',
      pollIntervalMs: 30_000,
      reconnect: { initialMs: 1_000, maxMs: 60_000 },
      tls: { insecure: false, certFile: '/etc/certs/agent.crt', keyFile: '/etc/certs/agent.key', caFile: '/etc/certs/ca.crt' },
      headers: { Authorization: 'Bearer t0ken' },
    });
    expect(config.agent).toEqual({ instanceId: 'edge-7', serviceName: 'otelcol', labels: { env: 'prod', region: 'us-west', tenant: 'team-platform' } });
    expect(config.health).toEqual({ reportIntervalMs: 30_000, metrics: ['cpu_usage', 'memory_usage', 'goroutines', 'spans_rate', 'export_latency'] });
    expect(config.capabilities).toEqual({
      acceptsRemoteConfig: true,
      reportsEffectiveConfig: true,
      reportsHealth: true,
      reportsRemoteConfigStatus: true,
      acceptsRestartCommand: true,
    });
    expect(config.packagesDir).toBe('/opt/otelcol/packages');
    expect(config.stateDir).toBe('/etc/otelcol/.shepherd-agent');
    expect(config.warnings).toEqual([expect.stringMatching(/^opamp\.capabilities\.accepts_packages: packages are not supported/)]);
    expect(Object.isFrozen(config.server.headers)).toBe(true);
  });

  it('fills defaults, resolves relative paths against the config directory and picks the transport from the scheme', () => {
    const config = parse(MINIMAL);
    expect(config.localConfigPath).toBe(`${BASE}/otelcol.yaml`);
    expect(config.stateDir).toBe(`${BASE}/.shepherd-agent`);
    expect(config.configSigning).toEqual({ publicKeyFiles: [`${BASE}/keys/shepherd.pub`], required: true });
    expect(config.agent.instanceId).toBe('host-1');
    expect(config.collector).toEqual({ binary: 'otelcol-contrib', args: [], env: {}, reload: 'sighup', healthTimeoutMs: 10_000 });
    expect(config.health.metrics).toEqual(['cpu_usage', 'memory_usage']);

    const http = parse(MINIMAL.replace('ws://', 'http://').replace('  local_config_path', '    poll_interval: 1m30s\n  local_config_path'));
    expect(http.server.transport).toBe('http');
    expect(http.server.pollIntervalMs).toBe(90_000);
  });

  it('keeps a bare collector command for PATH lookup and resolves one with a slash', () => {
    expect(parse(`${MINIMAL}collector:\n  binary: otelcol\n`).collector.binary).toBe('otelcol');
    expect(parse(`${MINIMAL}collector:\n  binary: ./bin/otelcol\n  args: [--feature-gates=x]\n`).collector).toMatchObject({
      binary: `${BASE}/bin/otelcol`,
      args: ['--feature-gates=x'],
    });
  });

  it('expands ${NAME:-default} and $$, and names a missing variable with its key path', () => {
    const yaml = MINIMAL.replace('    endpoint: ws://127.0.0.1:4320/v1/opamp', '    endpoint: ws://${HOST:-localhost}:4320/v1/opamp\n    headers:\n      X-Price: "$$5 ${CURRENCY}"');
    expect(parse(yaml, { CURRENCY: 'EUR' }).server).toMatchObject({ endpoint: 'ws://localhost:4320/v1/opamp', headers: { 'X-Price': '$5 EUR' } });
    expect(problems(yaml)).toEqual(['opamp.server.headers.X-Price: environment variable CURRENCY is not set (use ${CURRENCY:-default} for an optional one)']);
    expect(problems(MINIMAL.replace('./otelcol.yaml', '"${bad-name}"'))).toEqual([
      'opamp.local_config_path: "${bad-name}" is not a variable reference (use ${NAME} or ${NAME:-default})',
    ]);
  });

  it.each([
    ['a missing endpoint', MINIMAL.replace('    endpoint: ws://127.0.0.1:4320/v1/opamp\n', '    headers: {}\n'), 'opamp.server.endpoint: is required'],
    ['an endpoint of another scheme', MINIMAL.replace('ws://', 'ftp://'), 'opamp.server.endpoint: must use ws, wss, http or https, got "ftp"'],
    ['an endpoint that is no URL', MINIMAL.replace('ws://127.0.0.1:4320/v1/opamp', 'not a url'), 'opamp.server.endpoint: must be a ws://, wss://, http:// or https:// URL, got "not a url"'],
    ['credentials in the URL', MINIMAL.replace('ws://', 'ws://user:pw@'), 'opamp.server.endpoint: must not carry credentials; use opamp.server.headers'],
    ['a transport that contradicts the scheme', MINIMAL.replace('  local_config_path', '    transport: http\n  local_config_path').replace('opamp:\n  server:', 'opamp:\n  server:'), 'opamp.server.transport: is http but opamp.server.endpoint is a ws(s) URL'],
    ['a typo in a key', MINIMAL.replace('local_config_path', 'local_config_pth'), 'opamp.local_config_pth: unknown key'],
    ['a duration without unit', `${MINIMAL}  health:\n    report_interval: 30\n`, 'opamp.health.report_interval: must be a duration such as 30s or 500ms'],
    ['a duration out of range', `${MINIMAL}  health:\n    report_interval: 10ms\n`, 'opamp.health.report_interval: must be between 1000 ms and 86400000 ms, got 10 ms'],
    ['a bad header name', MINIMAL.replace('  local_config_path', '    headers:\n      "Bad Header": x\n  local_config_path'), 'opamp.server.headers.Bad Header: key is not a valid HTTP header name'],
    ['a cert without its key', MINIMAL.replace('  local_config_path', '    tls:\n      cert_file: a.crt\n  local_config_path'), 'opamp.server.tls.key_file: cert_file and key_file go together'],
    ['no signing key while signatures are required', MINIMAL.replace('    public_key_files: [keys/shepherd.pub]', '    required: true'), 'opamp.config_signing.public_key_files: must list at least one public key file while config_signing.required is true (the default); see docs/config-signing.md'],
    ['a collector reload mode that does not exist', `${MINIMAL}collector:\n  reload: kill\n`, 'collector.reload: must be sighup or restart'],
    ['a health endpoint that is no http URL', `${MINIMAL}collector:\n  health_endpoint: localhost:13133\n`, 'collector.health_endpoint: must be an http:// or https:// URL, got "localhost:13133"'],
  ])('refuses %s, naming the key', (_what, yaml, expected) => {
    expect(problems(yaml)).toContain(expected);
  });

  it('lists every problem at once', () => {
    const found = problems('opamp:\n  server: {}\n  capabilities:\n    accepts_remote_config: maybe\nextra: 1\n');
    expect(found).toEqual(
      expect.arrayContaining([
        'opamp.server.endpoint: is required',
        'opamp.local_config_path: is required',
        'opamp.capabilities.accepts_remote_config: must be true or false',
        'extra: unknown key',
      ]),
    );
  });

  it('refuses YAML that does not parse, and an empty file', () => {
    expect(problems('opamp: [unclosed')[0]).toMatch(/^: not valid YAML/);
    expect(problems('')).toEqual(['opamp: is required']);
    expect(problems('opamp: 3')).toEqual(['opamp: must be a mapping of keys to values']);
  });

  it('names the source file and every problem in the error message', () => {
    expect(() => parse('opamp:\n  server: {}\n')).toThrow(/^agent config agent\.yaml is invalid:\n {2}opamp\.server\.endpoint: is required/);
  });
});

describe('loadAgentConfig', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads a file and resolves paths against its directory', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-config-'));
    await writeFile(join(dir, 'agent.yaml'), MINIMAL);
    const config = await loadAgentConfig(join(dir, 'agent.yaml'), { env: {} });
    expect(config.localConfigPath).toBe(join(dir, 'otelcol.yaml'));
  });

  it('names the file it cannot read', async () => {
    await expect(loadAgentConfig('/nonexistent/agent.yaml')).rejects.toThrow(/agent config \/nonexistent\/agent\.yaml is invalid:\n {2}\(top level\): cannot read the file: ENOENT/);
  });
});
