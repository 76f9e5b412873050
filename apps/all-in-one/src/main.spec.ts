import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startAppProcess, stopAllAppProcesses, type AppProcess } from '@shepherd/testing';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = resolve(import.meta.dirname, 'main.ts');
// Embedded PGlite migrations make a cold start take tens of seconds on a busy machine.
const STARTUP_MS = 60_000;
const TEST_MS = 120_000;
const dirs: string[] = [];

function start(env: Record<string, string>): AppProcess {
  return startAppProcess({ main: MAIN, name: 'all-in-one', env: { ADMIN_PORT: '0', LOG_LEVEL: 'info', ...env } });
}

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shepherd-aio-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await stopAllAppProcesses();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('all-in-one process', () => {
  it('starts on embedded adapters, answers /healthz and /readyz, and stops cleanly on SIGTERM', async () => {
    const app = start({ DATA_DIR: await dataDir() });
    await app.waitForLog('ready', STARTUP_MS);
    const url = app.url('admin');
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('process_cpu');

    app.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });
  }, TEST_MS);

  it('fails fast with one line when DATABASE_URL points nowhere', async () => {
    const app = start({ DATA_DIR: await dataDir(), DATABASE_URL: 'postgres://nowhere/shepherd' });
    expect(await app.exited).toEqual({ code: 1, signal: null });
    const lines = app.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^all-in-one: cannot start \[STORE_UNAVAILABLE\]: .*nowhere/);
  }, TEST_MS);

  it('refuses a malformed NATS_URL with one line naming it, before touching any backend', async () => {
    const app = start({ DATA_DIR: await dataDir(), NATS_URL: 'http//not a url' });
    expect(await app.exited).toEqual({ code: 78, signal: null });
    const lines = app.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('NATS_URL');
  }, TEST_MS);
});
