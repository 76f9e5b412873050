import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FAKE_COLLECTOR, SupervisorFixture, fakeConfigYaml, fakeHealth, freePort } from './fake-collector.test-helpers.js';

const fixture = new SupervisorFixture();
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await fixture.cleanup();
});

function run(configPath: string, ...extra: string[]): { child: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [FAKE_COLLECTOR, '--config', configPath, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.resume();
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return { child, stderr: () => stderr, exit };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

async function healthy(port: number): Promise<Awaited<ReturnType<typeof fakeHealth>>> {
  return vi.waitFor(() => fakeHealth(port), { timeout: 10_000, interval: 50 });
}

describe('fake collector', () => {
  it('runs a valid config and serves its health and metrics on the health_check endpoint', async () => {
    const port = await freePort();
    const yaml = fakeConfigYaml({ healthPort: port, exporters: ['debug', 'otlp/backend'] });
    const { configPath } = await fixture.localConfig(yaml);
    const { child } = run(configPath);
    const health = await healthy(port);
    expect(health).toMatchObject({ status: 'ok', configSha256: sha256(yaml), generation: 1, reloads: 0, lastError: '', pid: child.pid });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^otelcol_process_uptime \d/m);
    expect(metrics).toContain('otelcol_exporter_sent_spans{exporter="otlp/backend"}');
  });

  it.each([
    ['unparseable YAML', 'receivers: [unclosed\n', /cannot unmarshal/],
    ['no receivers', 'exporters: { debug: {} }\nservice: { pipelines: { traces: { receivers: [otlp], exporters: [debug] } } }\n', /no receivers configured/],
    ['no pipelines', 'receivers: { otlp: {} }\nexporters: { debug: {} }\nservice: {}\n', /at least one pipeline/],
    ['an unknown component type', 'receivers: { nosuch: {} }\nexporters: { debug: {} }\nservice: { pipelines: { traces: { receivers: [nosuch], exporters: [debug] } } }\n', /unknown type: "nosuch"/],
    ['an undefined reference', 'receivers: { otlp: {} }\nexporters: { debug: {} }\nservice: { pipelines: { traces: { receivers: [otlp], exporters: [otlp] } } }\n', /references exporter "otlp" which is not configured/],
  ])('exits non-zero with a message on stderr for %s', async (_name, yaml, message) => {
    const { configPath } = await fixture.localConfig(yaml);
    const { exit, stderr } = run(configPath);
    expect(await exit).toBe(1);
    expect(stderr()).toMatch(message);
  });

  it('swaps in a valid config on SIGHUP and keeps the running one, reporting why, for an invalid one', async () => {
    const port = await freePort();
    const first = fakeConfigYaml({ healthPort: port });
    const { configPath } = await fixture.localConfig(first);
    const { child, stderr } = run(configPath);
    await healthy(port);

    const second = fakeConfigYaml({ healthPort: port, exporters: ['otlp'] });
    await writeFile(configPath, second);
    child.kill('SIGHUP');
    await vi.waitFor(async () => expect(await fakeHealth(port)).toMatchObject({ configSha256: sha256(second), generation: 2, reloads: 1, lastError: '' }));

    await writeFile(configPath, fakeConfigYaml({ healthPort: port, unknownReceiver: true }));
    child.kill('SIGHUP');
    const after = await vi.waitFor(async () => {
      const h = await fakeHealth(port);
      expect(h.reloads).toBe(2);
      return h;
    });
    expect(after).toMatchObject({ status: 'ok', configSha256: sha256(second), generation: 2, pid: child.pid });
    expect(after.lastError).toMatch(/unknown type: "nosuchreceiver"/);
    expect(stderr()).toMatch(/reload failed, keeping the running config/);
  });

  it('answers 503 when the fake_unhealthy knob is set, and honours --health-port', async () => {
    const port = await freePort();
    const override = await freePort();
    const { configPath } = await fixture.localConfig(fakeConfigYaml({ healthPort: port, unhealthy: true }));
    run(configPath, '--health-port', String(override));
    const response = await vi.waitFor(() => fetch(`http://127.0.0.1:${override}/health`), { timeout: 10_000, interval: 50 });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'unavailable' });
  });

  it('exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const { configPath } = await fixture.localConfig(fakeConfigYaml({ healthPort: port }));
    const { child, exit } = run(configPath);
    await healthy(port);
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
