import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey } from '@shepherd/config-signing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger, type AgentLogger } from './agent-logger.js';
import { parseAgentConfig } from './agent-config.js';
import { assembleAgent, readPublicKeys, supervisorOptionsOf } from './assemble-agent.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assemble-agent-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function recordingLogger(): AgentLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentLogger, warn: (_obj, msg) => void warnings.push(msg), warnings };
}

describe('readPublicKeys', () => {
  it('returns SPKI PEM for a public key, and the public half of a private key with a warning', async () => {
    const { publicKeyPem, privateKeyPem } = generateSigningKey();
    await writeFile(join(dir, 'pub.pem'), publicKeyPem);
    await writeFile(join(dir, 'priv.pem'), privateKeyPem);
    const logger = recordingLogger();
    const keys = await readPublicKeys([join(dir, 'pub.pem'), join(dir, 'priv.pem')], logger);
    expect(keys).toEqual([publicKeyPem, publicKeyPem]);
    expect(keys[1]).not.toContain('PRIVATE');
    expect(logger.warnings).toEqual(['config signing key file holds a private key: only its public half is used (for local demos only)']);
  });

  it('names the list entry of a missing file or a key that is not Ed25519', async () => {
    await expect(readPublicKeys([join(dir, 'absent.pem')])).rejects.toThrow(/opamp\.config_signing\.public_key_files\[0\]: cannot read/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await writeFile(join(dir, 'rsa.pem'), rsa);
    await writeFile(join(dir, 'junk.pem'), 'hello');
    await expect(readPublicKeys([join(dir, 'rsa.pem')])).rejects.toThrow(/public_key_files\[0\]: .*rsa\.pem is not an Ed25519 public key \(PEM\): an rsa key/);
    const { publicKeyPem } = generateSigningKey();
    await writeFile(join(dir, 'ok.pem'), publicKeyPem);
    await expect(readPublicKeys([join(dir, 'ok.pem'), join(dir, 'junk.pem')])).rejects.toThrow(/public_key_files\[1\]/);
  });
});

describe('assembleAgent', () => {
  const yaml = (extra: string): string => `
opamp:
  server: { endpoint: "ws://127.0.0.1:1/v1/opamp" }
  local_config_path: run/collector.yaml
  config_signing: { public_key_files: [key.pem] }
collector:
  binary: ./otelcol
  args: [--x]
  reload: restart
  health_timeout: 3s
  health_endpoint: http://127.0.0.1:13133/
${extra}`;

  it('maps the config onto the supervisor options', async () => {
    const config = parseAgentConfig(yaml(''), { source: 's', baseDir: dir, env: {} });
    expect(supervisorOptionsOf(config, ['PEM'], silentLogger)).toEqual({
      binary: join(dir, 'otelcol'),
      args: ['--x'],
      env: {},
      configPath: join(dir, 'run/collector.yaml'),
      stateDir: join(dir, 'run/.shepherd-agent'),
      publicKeys: ['PEM'],
      requireSignature: true,
      reload: 'restart',
      healthTimeoutMs: 3_000,
      healthUrl: 'http://127.0.0.1:13133/',
      logger: silentLogger,
    });
  });

  it('puts the initial collector config in place on a first start, and never over an existing one', async () => {
    await writeFile(join(dir, 'key.pem'), generateSigningKey().publicKeyPem);
    await writeFile(join(dir, 'initial.yaml'), 'first: 1\n');
    const config = parseAgentConfig(yaml('  initial_config: initial.yaml\n'), { source: 's', baseDir: dir, env: {} });
    await assembleAgent(config);
    expect(await readFile(join(dir, 'run/collector.yaml'), 'utf8')).toBe('first: 1\n');
    await writeFile(join(dir, 'run/collector.yaml'), 'remote: 2\n');
    await assembleAgent(config);
    expect(await readFile(join(dir, 'run/collector.yaml'), 'utf8')).toBe('remote: 2\n');
  });
});
