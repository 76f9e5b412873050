/**
 * Test tooling for collector supervision: the fake collector shipped in tools/fake-collector,
 * configs for it, free ports, signed remote configs and supervisors that clean up after
 * themselves.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateSigningKey, signConfig, signingKeyFromPem, type SigningKey } from '@shepherd/config-signing';
import { configHashHex } from './config-hash.js';
import type { CollectorPort, ConfigFile } from './collector-port.js';
import { createCollectorSupervisor } from './collector-supervisor.js';
import type { CollectorSupervisorOptions } from './supervisor-options.js';

/** Absolute path of tools/fake-collector/fake-collector.mjs. */
export const FAKE_COLLECTOR = resolve(import.meta.dirname, '../../../tools/fake-collector/fake-collector.mjs');

/** A TCP port free right now on loopback (bound on port 0, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  await new Promise((ok) => server.close(ok));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** What varies between the collector configs the specs use. */
export interface FakeConfigOptions {
  readonly healthPort: number;
  /** Exporter ids (default `debug`); a changed list gives a different config. */
  readonly exporters?: readonly string[];
  /** Adds a receiver of a type the fake collector does not know (it then refuses the config). */
  readonly unknownReceiver?: boolean;
  /** The fake's test knob: /health answers 503. */
  readonly unhealthy?: boolean;
  /** Also serve /metrics via service.telemetry.metrics on the health port. */
  readonly telemetry?: boolean;
}

/** A collector config the fake collector runs (and config-validation accepts). */
export function fakeConfigYaml(o: FakeConfigOptions): string {
  const exporters = o.exporters ?? ['debug'];
  const receivers = o.unknownReceiver === true ? ['otlp', 'nosuchreceiver'] : ['otlp'];
  return [
    'receivers:',
    ...receivers.map((r) => `  ${r}: {}`),
    'exporters:',
    ...exporters.map((e) => `  ${e}: {}`),
    'extensions:',
    '  health_check:',
    `    endpoint: 127.0.0.1:${o.healthPort}`,
    ...(o.unhealthy === true ? ['    fake_unhealthy: true'] : []),
    'service:',
    '  extensions: [health_check]',
    ...(o.telemetry === true ? ['  telemetry:', '    metrics:', `      address: 127.0.0.1:${o.healthPort}`] : []),
    '  pipelines:',
    '    traces:',
    `      receivers: [${receivers.join(', ')}]`,
    `      exporters: [${exporters.join(', ')}]`,
    '',
  ].join('\n');
}

/** A fresh signing key pair for a spec. */
export function testSigningKey(): { readonly key: SigningKey; readonly publicKeyPem: string } {
  const generated = generateSigningKey();
  return { key: signingKeyFromPem(generated.privateKeyPem), publicKeyPem: generated.publicKeyPem };
}

/** A remote config as the server offers it: the files, the signature entry and the config hash. */
export function signedRemoteConfig(key: SigningKey, yaml: string, name = 'collector.yaml'): { files: ConfigFile[]; hash: Uint8Array } {
  return signedFiles(key, [{ name, contentType: 'application/yaml', body: new TextEncoder().encode(yaml) }]);
}

/** Any config map signed as the server signs it, with its config hash. */
export function signedFiles(key: SigningKey, files: readonly ConfigFile[]): { files: ConfigFile[]; hash: Uint8Array } {
  const hashHex = configHashHex(files);
  const signature = signConfig(key, hashHex);
  return { files: [...files, { name: signature.name, contentType: signature.contentType, body: signature.body }], hash: Uint8Array.from(Buffer.from(hashHex, 'hex')) };
}

/** Fetches the fake collector's /health body. */
export async function fakeHealth(port: number): Promise<{ status: string; configSha256: string; generation: number; reloads: number; lastError: string; pid: number }> {
  const response = await fetch(`http://127.0.0.1:${port}/health`);
  return (await response.json()) as never;
}

/** Temp dirs, config files and supervisors of one spec; `cleanup()` in afterEach stops and removes them all. */
export class SupervisorFixture {
  readonly #dirs: string[] = [];
  readonly #supervisors: CollectorPort[] = [];

  async dir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'shepherd-agent-'));
    this.#dirs.push(dir);
    return dir;
  }

  /** Writes `yaml` as the local collector config in a new dir; returns its path and a state dir. */
  async localConfig(yaml: string): Promise<{ configPath: string; stateDir: string }> {
    const dir = await this.dir();
    const configPath = join(dir, 'collector.yaml');
    await writeFile(configPath, yaml);
    return { configPath, stateDir: join(dir, 'state') };
  }

  /** A supervisor running the fake collector; options override the fast test defaults. */
  supervisor(options: Partial<CollectorSupervisorOptions> & Pick<CollectorSupervisorOptions, 'configPath' | 'stateDir'>): CollectorPort {
    const supervisor = createCollectorSupervisor({
      binary: process.execPath,
      args: [FAKE_COLLECTOR],
      requireSignature: false,
      healthTimeoutMs: 5_000,
      healthIntervalMs: 200,
      probeTimeoutMs: 1_000,
      stopTimeoutMs: 2_000,
      restartBackoff: { initialMs: 100, maxMs: 1_000 },
      ...options,
    });
    this.#supervisors.push(supervisor);
    return supervisor;
  }

  async cleanup(): Promise<void> {
    await Promise.allSettled(this.#supervisors.splice(0).map((s) => s.stop()));
    await Promise.allSettled(this.#dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  }
}
