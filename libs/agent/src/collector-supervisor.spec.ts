import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CollectorHealth } from './collector-port.js';
import { createCollectorSupervisor } from './collector-supervisor.js';
import { FAKE_COLLECTOR, SupervisorFixture, fakeConfigYaml, fakeHealth, freePort, signedRemoteConfig, testSigningKey } from './fake-collector.test-helpers.js';
import { CollectorStartError, CollectorSupervisorOptionsError } from './supervisor-errors.js';
import { resolveSupervisorOptions } from './supervisor-options.js';

const fixture = new SupervisorFixture();
afterEach(() => fixture.cleanup());

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('collector supervision', () => {
  it('starts the collector on the local config, reports health changes and measured metrics', async () => {
    const port = await freePort();
    const local = fakeConfigYaml({ healthPort: port, telemetry: true });
    const supervisor = fixture.supervisor(await fixture.localConfig(local));
    const seen: CollectorHealth[] = [];
    supervisor.onHealthChange((h) => seen.push(h));

    await supervisor.start();

    await vi.waitFor(() => expect(supervisor.health()).toMatchObject({ healthy: true, status: 'running', lastError: '' }), { timeout: 10_000 });
    expect(seen.map((h) => h.status)).toEqual(['starting', 'running']);
    expect(supervisor.health().startedAtUnixNano).toBeGreaterThan(0n);
    expect(supervisor.effectiveConfig().map((f) => [f.name, f.contentType, Buffer.from(f.body).toString()])).toEqual([['collector.yaml', 'application/yaml', local]]);
    expect(supervisor.appliedHash()).toBeUndefined();
    await vi.waitFor(() => {
      const m = supervisor.health().metrics;
      expect(m['memory_usage_bytes']).toBeGreaterThan(1_000_000);
      expect(m['cpu_usage_percent']).toBeGreaterThanOrEqual(0);
      expect(m['otelcol_process_uptime']).toBeGreaterThan(0);
      expect(m['otelcol_exporter_sent_spans']).toBeGreaterThanOrEqual(0);
    });
    expect(Object.isFrozen(supervisor.health().metrics)).toBe(true);
  });

  it('restarts a crashed collector with backoff and reports it unhealthy meanwhile', async () => {
    const port = await freePort();
    const supervisor = fixture.supervisor({ ...(await fixture.localConfig(fakeConfigYaml({ healthPort: port }))), restartBackoff: { initialMs: 400, maxMs: 1_000 } });
    const seen: CollectorHealth[] = [];
    supervisor.onHealthChange((h) => seen.push(h));
    await supervisor.start();
    await vi.waitFor(() => expect(supervisor.health().status).toBe('running'), { timeout: 10_000 });
    const before = await fakeHealth(port);

    const killedAt = Date.now();
    process.kill(before.pid, 'SIGKILL');

    await vi.waitFor(() => expect(supervisor.health().status).toBe('restarting'));
    expect(supervisor.health()).toMatchObject({ healthy: false, lastError: 'collector was killed by SIGKILL' });
    const after = await vi.waitFor(async () => {
      const h = await fakeHealth(port);
      expect(h.pid).not.toBe(before.pid);
      return h;
    }, { timeout: 10_000 });
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(200);
    expect(after.configSha256).toBe(before.configSha256);
    await vi.waitFor(() => expect(supervisor.health().status).toBe('running'));
    expect(seen.map((h) => h.status)).toEqual(['starting', 'running', 'restarting', 'starting', 'running']);
  });

  it('reports a crash loop with the collector reason when the local config keeps failing', async () => {
    const supervisor = fixture.supervisor({
      ...(await fixture.localConfig('receivers: { nosuch: {} }\nexporters: { debug: {} }\nservice: { pipelines: { traces: { receivers: [nosuch], exporters: [debug] } } }\n')),
      restartBackoff: { initialMs: 20, maxMs: 50 },
      maxCrashRestarts: 2,
    });
    await supervisor.start();
    await vi.waitFor(() => expect(supervisor.health().status).toBe('crash-loop'), { timeout: 10_000 });
    expect(supervisor.health().healthy).toBe(false);
    expect(supervisor.health().lastError).toMatch(/^collector exited with code 1: Error: invalid configuration: .*unknown type: "nosuch"/);
  });

  it('restart() starts a new collector process', async () => {
    const port = await freePort();
    const supervisor = fixture.supervisor(await fixture.localConfig(fakeConfigYaml({ healthPort: port })));
    await supervisor.start();
    const before = await vi.waitFor(() => fakeHealth(port), { timeout: 10_000 });
    await supervisor.restart();
    const after = await vi.waitFor(async () => {
      const h = await fakeHealth(port);
      expect(h.pid).not.toBe(before.pid);
      return h;
    }, { timeout: 10_000 });
    expect(isAlive(before.pid)).toBe(false);
    expect(isAlive(after.pid)).toBe(true);
  });

  it('stop() ends the collector and reports it stopped', async () => {
    const port = await freePort();
    const supervisor = fixture.supervisor(await fixture.localConfig(fakeConfigYaml({ healthPort: port })));
    await supervisor.start();
    const { pid } = await vi.waitFor(() => fakeHealth(port), { timeout: 10_000 });
    await supervisor.stop();
    expect(isAlive(pid)).toBe(false);
    expect(supervisor.health()).toMatchObject({ healthy: false, status: 'stopped' });
    await expect(supervisor.restart()).rejects.toBeInstanceOf(CollectorStartError);
    const offer = signedRemoteConfig(testSigningKey().key, fakeConfigYaml({ healthPort: port }));
    expect(await supervisor.applyRemoteConfig(offer.files, offer.hash, () => undefined)).toEqual({ status: 'FAILED', errorMessage: 'the collector supervisor is not running' });
  });

  it('refuses to start without a config file or with a collector binary that does not exist', async () => {
    const dir = await fixture.dir();
    const noFile = fixture.supervisor({ configPath: join(dir, 'missing.yaml'), stateDir: join(dir, 'state') });
    await expect(noFile.start()).rejects.toThrow(/missing\.yaml does not exist/);
    const { configPath, stateDir } = await fixture.localConfig(fakeConfigYaml({ healthPort: await freePort() }));
    const noBinary = fixture.supervisor({ configPath, stateDir, binary: join(dir, 'otelcol'), args: [] });
    await expect(noBinary.start()).rejects.toBeInstanceOf(CollectorStartError);
  });
});

describe('persisted last good config', () => {
  it('survives a new supervisor: the applied config runs again without the server', async () => {
    const port = await freePort();
    const paths = await fixture.localConfig(fakeConfigYaml({ healthPort: port }));
    const signing = testSigningKey();
    const first = fixture.supervisor({ ...paths, requireSignature: true, publicKeys: [signing.publicKeyPem] });
    await first.start();
    await vi.waitFor(() => expect(first.health().status).toBe('running'), { timeout: 10_000 });
    const applied = fakeConfigYaml({ healthPort: port, exporters: ['otlp'] });
    const offer = signedRemoteConfig(signing.key, applied);
    expect(await first.applyRemoteConfig(offer.files, offer.hash, () => undefined)).toEqual({ status: 'APPLIED' });
    await first.stop();
    // Something rewrote the file while the agent was down (a package, an operator, an old image).
    await writeFile(paths.configPath, fakeConfigYaml({ healthPort: port, exporters: ['otlphttp'] }));

    const second = fixture.supervisor({ ...paths, requireSignature: true, publicKeys: [signing.publicKeyPem] });
    await second.start();

    expect(await readFile(paths.configPath, 'utf8')).toBe(applied);
    expect(Buffer.from(second.appliedHash()!).toString('hex')).toBe(Buffer.from(offer.hash).toString('hex'));
    expect(second.effectiveConfig().map((f) => Buffer.from(f.body).toString())).toEqual([applied]);
    await vi.waitFor(async () => expect((await fakeHealth(port)).configSha256).toBe(sha256(applied)), { timeout: 10_000 });
    const onApplying = vi.fn();
    expect(await second.applyRemoteConfig(offer.files, offer.hash, onApplying)).toEqual({ status: 'APPLIED' });
    expect(onApplying).not.toHaveBeenCalled();
  });

  it('ignores a corrupt last good file and runs the local config', async () => {
    const port = await freePort();
    const local = fakeConfigYaml({ healthPort: port });
    const paths = await fixture.localConfig(local);
    await mkdir(paths.stateDir, { recursive: true });
    await writeFile(join(paths.stateDir, 'collector-last-good.json'), '{"v":1,"hash":"zz"');
    const supervisor = fixture.supervisor(paths);
    await supervisor.start();
    expect(supervisor.appliedHash()).toBeUndefined();
    await vi.waitFor(async () => expect((await fakeHealth(port)).configSha256).toBe(sha256(local)), { timeout: 10_000 });
  });

  it('restores the config an interrupted apply replaced', async () => {
    const port = await freePort();
    const local = fakeConfigYaml({ healthPort: port });
    const paths = await fixture.localConfig(fakeConfigYaml({ healthPort: port, unknownReceiver: true }));
    await mkdir(paths.stateDir, { recursive: true });
    await writeFile(join(paths.stateDir, 'collector-config.backup'), local);

    const supervisor = fixture.supervisor(paths);
    await supervisor.start();

    expect(await readFile(paths.configPath, 'utf8')).toBe(local);
    expect(await readdir(paths.stateDir)).toEqual(['collector.pid']);
    await vi.waitFor(async () => expect((await fakeHealth(port)).configSha256).toBe(sha256(local)), { timeout: 10_000 });
  });
});

describe('orphaned collector', () => {
  it('stops a collector an earlier agent left running before starting its own', async () => {
    const port = await freePort();
    const paths = await fixture.localConfig(fakeConfigYaml({ healthPort: port }));
    const orphan = spawn(process.execPath, [FAKE_COLLECTOR, '--config', paths.configPath], { stdio: 'ignore' });
    try {
      await vi.waitFor(() => fakeHealth(port), { timeout: 10_000 });
      await mkdir(paths.stateDir, { recursive: true });
      await writeFile(join(paths.stateDir, 'collector.pid'), `${orphan.pid}\n`);

      const supervisor = fixture.supervisor(paths);
      await supervisor.start();

      expect(isAlive(orphan.pid!)).toBe(false);
      await vi.waitFor(() => expect(supervisor.health().status).toBe('running'), { timeout: 10_000 });
      expect((await fakeHealth(port)).pid).not.toBe(orphan.pid);
    } finally {
      orphan.kill('SIGKILL');
    }
  });

  it('leaves alone a live process whose command line does not name the config', async () => {
    const paths = await fixture.localConfig(fakeConfigYaml({ healthPort: await freePort() }));
    const stranger = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: 'ignore' });
    try {
      await mkdir(paths.stateDir, { recursive: true });
      await writeFile(join(paths.stateDir, 'collector.pid'), `${stranger.pid}\n`);
      const supervisor = fixture.supervisor(paths);
      await supervisor.start();
      expect(isAlive(stranger.pid!)).toBe(true);
    } finally {
      stranger.kill('SIGKILL');
    }
  });
});

describe('createCollectorSupervisor options', () => {
  const base = { binary: process.execPath, args: [FAKE_COLLECTOR], configPath: '/tmp/c.yaml', stateDir: '/tmp/s' };

  it('requires a pinned public key unless signatures are optional', () => {
    expect(() => createCollectorSupervisor(base)).toThrow(CollectorSupervisorOptionsError);
    expect(() => createCollectorSupervisor(base)).toThrow(/publicKeys: must list at least one pinned public key/);
    expect(() => createCollectorSupervisor({ ...base, requireSignature: false })).not.toThrow();
    expect(() => createCollectorSupervisor({ ...base, publicKeys: [testSigningKey().publicKeyPem] })).not.toThrow();
  });

  it('names every invalid option', () => {
    const bad = {
      ...base,
      binary: '',
      publicKeys: ['not a key'],
      healthUrl: 'ftp://x',
      restartBackoff: { initialMs: 5_000, maxMs: 100 },
      healthTimeoutMs: 1.5,
      reload: 'kill',
    } as never;
    let message = '';
    try {
      createCollectorSupervisor(bad);
    } catch (err) {
      message = (err as Error).message;
    }
    for (const field of ['binary:', 'publicKeys.0: must be a PEM public key', 'healthUrl:', 'restartBackoff.maxMs: initialMs must not exceed maxMs', 'healthTimeoutMs:', 'reload: must be sighup or restart']) {
      expect(message).toContain(field);
    }
  });

  it('fills in the defaults and freezes the result', () => {
    const args = [FAKE_COLLECTOR];
    const resolved = resolveSupervisorOptions({ ...base, args, requireSignature: false });
    expect(resolved).toMatchObject({ reload: 'sighup', healthTimeoutMs: 10_000, stopTimeoutMs: 5_000, restartBackoff: { initialMs: 500, maxMs: 30_000 }, maxCrashRestarts: 10 });
    expect(Object.isFrozen(resolved) && Object.isFrozen(resolved.args) && Object.isFrozen(resolved.restartBackoff)).toBe(true);
    args.push('--extra');
    expect(resolved.args).toEqual([FAKE_COLLECTOR]);
  });

  it('refuses unknown options', () => {
    expect(() => createCollectorSupervisor({ ...base, requireSignature: false, healthTimeout: 5 } as never)).toThrow(/healthTimeout/);
  });
});
