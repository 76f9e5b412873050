import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SIGNATURE_ENTRY_NAME } from '@shepherd/config-signing';
import type { CollectorPort } from './collector-port.js';
import { SupervisorFixture, fakeConfigYaml, fakeHealth, freePort, signedFiles, signedRemoteConfig, testSigningKey } from './fake-collector.test-helpers.js';

const fixture = new SupervisorFixture();
afterEach(() => fixture.cleanup());

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const hex = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : Buffer.from(bytes).toString('hex'));

/** A started supervisor on a fresh local config, signatures required with a fresh key. */
async function started(extra: { reload?: 'sighup' | 'restart'; healthTimeoutMs?: number } = {}) {
  const port = await freePort();
  const local = fakeConfigYaml({ healthPort: port });
  const paths = await fixture.localConfig(local);
  const signing = testSigningKey();
  const supervisor = fixture.supervisor({ ...paths, ...extra, requireSignature: true, publicKeys: [signing.publicKeyPem] });
  await supervisor.start();
  await vi.waitFor(() => expect(supervisor.health().status).toBe('running'), { timeout: 10_000 });
  const first = await fakeHealth(port);
  return { port, local, paths, signing, supervisor, pid: first.pid };
}

async function applyCounting(supervisor: CollectorPort, files: Parameters<CollectorPort['applyRemoteConfig']>[0], hash: Uint8Array) {
  const onApplying = vi.fn();
  const outcome = await supervisor.applyRemoteConfig(files, hash, onApplying);
  return { outcome, onApplying };
}

describe('applyRemoteConfig', () => {
  it('verifies, writes and reloads a good config with SIGHUP; the collector runs it and it is persisted', async () => {
    const { port, paths, signing, supervisor, pid } = await started();
    const next = fakeConfigYaml({ healthPort: port, exporters: ['otlp'] });
    const offer = signedRemoteConfig(signing.key, next);

    const { outcome, onApplying } = await applyCounting(supervisor, offer.files, offer.hash);

    expect(outcome).toEqual({ status: 'APPLIED' });
    expect(onApplying).toHaveBeenCalledOnce();
    expect(await readFile(paths.configPath, 'utf8')).toBe(next);
    expect(await fakeHealth(port)).toMatchObject({ configSha256: sha256(next), generation: 2, reloads: 1, pid });
    expect(hex(supervisor.appliedHash())).toBe(hex(offer.hash));
    expect(supervisor.effectiveConfig().map((f) => [f.name, Buffer.from(f.body).toString()])).toEqual([['collector.yaml', next]]);
    expect(supervisor.effectiveConfig().some((f) => f.name === SIGNATURE_ENTRY_NAME)).toBe(false);
    expect((await readdir(paths.stateDir)).sort()).toEqual(['collector-last-good.json', 'collector.pid']);
  });

  it('restarts the collector instead when reload is "restart"', async () => {
    const { port, signing, supervisor, pid } = await started({ reload: 'restart' });
    const next = fakeConfigYaml({ healthPort: port, exporters: ['otlp'] });
    const offer = signedRemoteConfig(signing.key, next);
    expect(await supervisor.applyRemoteConfig(offer.files, offer.hash, () => undefined)).toEqual({ status: 'APPLIED' });
    const health = await fakeHealth(port);
    expect(health.configSha256).toBe(sha256(next));
    expect(health.pid).not.toBe(pid);
  });

  it('skips a hash that is already applied: no APPLYING, no reload', async () => {
    const { port, signing, supervisor } = await started();
    const offer = signedRemoteConfig(signing.key, fakeConfigYaml({ healthPort: port, exporters: ['otlp'] }));
    await supervisor.applyRemoteConfig(offer.files, offer.hash, () => undefined);
    const reloads = (await fakeHealth(port)).reloads;

    const { outcome, onApplying } = await applyCounting(supervisor, offer.files, offer.hash);

    expect(outcome).toEqual({ status: 'APPLIED' });
    expect(onApplying).not.toHaveBeenCalled();
    expect((await fakeHealth(port)).reloads).toBe(reloads);
  });

  it('refuses a config with a bad signature without touching the file', async () => {
    const { port, local, paths, signing, supervisor } = await started();
    const offer = signedRemoteConfig(signing.key, fakeConfigYaml({ healthPort: port, exporters: ['otlp'] }));
    const tampered = offer.files.map((f) => (f.name === 'collector.yaml' ? { ...f, body: new TextEncoder().encode(fakeConfigYaml({ healthPort: port, exporters: ['otlphttp'] })) } : f));

    const { outcome, onApplying } = await applyCounting(supervisor, tampered, offer.hash);

    expect(onApplying).toHaveBeenCalledOnce();
    expect(outcome.status).toBe('FAILED');
    expect(outcome.errorMessage).toMatch(/^signature check failed \(hash-mismatch\)/);
    expect(await readFile(paths.configPath, 'utf8')).toBe(local);
    expect((await fakeHealth(port)).reloads).toBe(0);
    expect(supervisor.appliedHash()).toBeUndefined();
  });

  it('refuses an unsigned config and one signed by an untrusted key', async () => {
    const { port, local, paths, supervisor } = await started();
    const yaml = fakeConfigYaml({ healthPort: port, exporters: ['otlp'] });
    const unsigned = signedRemoteConfig(testSigningKey().key, yaml);
    const withoutSignature = unsigned.files.filter((f) => f.name !== SIGNATURE_ENTRY_NAME);
    expect((await supervisor.applyRemoteConfig(withoutSignature, unsigned.hash, () => undefined)).errorMessage).toMatch(/\(missing\)/);
    expect((await supervisor.applyRemoteConfig(unsigned.files, unsigned.hash, () => undefined)).errorMessage).toMatch(/\(unknown-key\)/);
    expect(await readFile(paths.configPath, 'utf8')).toBe(local);
  });

  it('refuses an invalid config before writing anything, naming the file and line', async () => {
    const { port, local, paths, signing, supervisor } = await started();
    const invalid = 'receivers:\n  otlp: {}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [nowhere]\n';
    const offer = signedRemoteConfig(signing.key, invalid);

    const outcome = await supervisor.applyRemoteConfig(offer.files, offer.hash, () => undefined);

    expect(outcome.status).toBe('FAILED');
    expect(outcome.errorMessage).toMatch(/^config is invalid: collector\.yaml:9:\d+: .*nowhere/);
    expect(await readFile(paths.configPath, 'utf8')).toBe(local);
    expect((await fakeHealth(port)).reloads).toBe(0);
    expect(await readdir(paths.stateDir)).toEqual(['collector.pid']);
  });

  it('refuses a config map with more than one collector file', async () => {
    const { port, signing, supervisor } = await started();
    const yaml = (p: number) => ({ contentType: 'application/yaml', body: new TextEncoder().encode(fakeConfigYaml({ healthPort: p })) });
    const offer = signedFiles(signing.key, [{ name: 'a.yaml', ...yaml(port) }, { name: 'b.yaml', ...yaml(port) }]);
    const outcome = await supervisor.applyRemoteConfig(offer.files, offer.hash, () => undefined);
    expect(outcome).toEqual({ status: 'FAILED', errorMessage: 'remote config has 2 files (a.yaml, b.yaml); this agent runs exactly one collector config file' });
  });

  it('rolls back when the collector rejects the config on reload: FAILED with its reason, still running the previous config', async () => {
    const { port, local, paths, signing, supervisor, pid } = await started();
    const offer = signedRemoteConfig(signing.key, fakeConfigYaml({ healthPort: port, unknownReceiver: true }));

    const outcome = await supervisor.applyRemoteConfig(offer.files, offer.hash, () => undefined);

    expect(outcome.status).toBe('FAILED');
    expect(outcome.errorMessage).toMatch(/^collector rejected the config: .*unknown type: "nosuchreceiver"/);
    expect(await readFile(paths.configPath, 'utf8')).toBe(local);
    await vi.waitFor(async () => expect(await fakeHealth(port)).toMatchObject({ status: 'ok', configSha256: sha256(local), lastError: '', pid }));
    expect(supervisor.appliedHash()).toBeUndefined();
    expect(supervisor.effectiveConfig().map((f) => Buffer.from(f.body).toString())).toEqual([local]);
    expect(await readdir(paths.stateDir)).toEqual(['collector.pid']);
    await vi.waitFor(() => expect(supervisor.health()).toMatchObject({ healthy: true, status: 'running' }));
  });

  it('rolls back when the collector is not healthy on the new config within the timeout', async () => {
    const { port, local, paths, signing, supervisor, pid } = await started({ healthTimeoutMs: 1_500 });
    const unhealthy = fakeConfigYaml({ healthPort: port, unhealthy: true });
    const offer = signedRemoteConfig(signing.key, unhealthy);

    const outcome = await supervisor.applyRemoteConfig(offer.files, offer.hash, () => undefined);

    expect(outcome.status).toBe('FAILED');
    expect(outcome.errorMessage).toMatch(/^collector not healthy on the new config within 1500 ms: .*503/);
    expect(await readFile(paths.configPath, 'utf8')).toBe(local);
    await vi.waitFor(async () => expect(await fakeHealth(port)).toMatchObject({ status: 'ok', configSha256: sha256(local), pid }));
  });

  it('rolls back when the collector exits on the new config (restart mode), restarting it on the previous one', async () => {
    const { port, local, paths, signing, supervisor } = await started({ reload: 'restart' });
    const offer = signedRemoteConfig(signing.key, fakeConfigYaml({ healthPort: port, unknownReceiver: true }));

    const outcome = await supervisor.applyRemoteConfig(offer.files, offer.hash, () => undefined);

    expect(outcome.status).toBe('FAILED');
    expect(outcome.errorMessage).toMatch(/^collector failed on the new config: collector exited with code 1: .*nosuchreceiver/);
    expect(await readFile(paths.configPath, 'utf8')).toBe(local);
    await vi.waitFor(async () => expect((await fakeHealth(port)).configSha256).toBe(sha256(local)));
    await vi.waitFor(() => expect(supervisor.health()).toMatchObject({ healthy: true, status: 'running' }));
  });

  describe('without a health endpoint', () => {
    const NO_HEALTH = (exporter: string, receiver = 'otlp') =>
      `receivers: { ${receiver}: {} }\nexporters: { ${exporter}: {} }\nservice: { pipelines: { traces: { receivers: [${receiver}], exporters: [${exporter}] } } }\n`;

    async function startedWithoutHealth() {
      const paths = await fixture.localConfig(NO_HEALTH('debug'));
      const signing = testSigningKey();
      const supervisor = fixture.supervisor({ ...paths, reload: 'restart', healthTimeoutMs: 2_000, publicKeys: [signing.publicKeyPem] });
      await supervisor.start();
      await vi.waitFor(() => expect(supervisor.health().status).toBe('running'), { timeout: 10_000 });
      return { paths, signing, supervisor };
    }

    it('applies once the restarted collector stayed up for the settle time', async () => {
      const { paths, signing, supervisor } = await startedWithoutHealth();
      const next = NO_HEALTH('otlp');
      const offer = signedRemoteConfig(signing.key, next);
      const startedAt = Date.now();
      expect(await supervisor.applyRemoteConfig(offer.files, offer.hash, () => undefined)).toEqual({ status: 'APPLIED' });
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000);
      expect(await readFile(paths.configPath, 'utf8')).toBe(next);
    });

    it('rolls back when the collector exits on the new config', async () => {
      const { paths, signing, supervisor } = await startedWithoutHealth();
      const offer = signedRemoteConfig(signing.key, NO_HEALTH('debug', 'nosuchreceiver'));
      const outcome = await supervisor.applyRemoteConfig(offer.files, offer.hash, () => undefined);
      expect(outcome.errorMessage).toMatch(/^collector failed on the new config: collector exited with code 1: .*unknown type: "nosuchreceiver"/);
      expect(await readFile(paths.configPath, 'utf8')).toBe(NO_HEALTH('debug'));
      await vi.waitFor(() => expect(supervisor.health().status).toBe('running'), { timeout: 10_000 });
    });
  });
});
