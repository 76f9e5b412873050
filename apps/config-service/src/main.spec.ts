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
  return startAppProcess({ main: MAIN, name: 'config-service', env: { ADMIN_PORT: '0', LOG_LEVEL: 'info', ...env } });
}

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shepherd-config-app-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await stopAllAppProcesses();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('config-service process', () => {
  it('starts on embedded adapters, is ready, and drains and exits 0 on SIGTERM', async () => {
    const app = start({ DATA_DIR: await dataDir(), CONFIG_FANOUT_BATCH: '50' });
    const ready = await app.waitForLog('ready', STARTUP_MS);
    expect(ready).toMatchObject({ name: 'config-service', modules: ['config-service', 'gitops'] });
    expect(app.logs.some((r) => String(r.msg).startsWith('gitops sync off'))).toBe(true);
    expect(app.logs.some((r) => r.msg === 'module started' && r['module'] === 'config-service')).toBe(true);
    expect((await fetch(`${app.url('admin')}/readyz`)).status).toBe(200);
    app.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });
  }, TEST_MS);

  it('with GITOPS_REPOSITORY set, syncs (here: reports the unreachable remote) and still drains and exits 0', async () => {
    const app = start({ DATA_DIR: await dataDir(), GITOPS_REPOSITORY: 'http://127.0.0.1:1/configs.git', GITOPS_SYNC_INTERVAL: '200ms' });
    await app.waitForLog('ready', STARTUP_MS);
    const failed = await app.waitForLog('gitops sync failed; nothing of the commit was applied', STARTUP_MS);
    expect(failed).toMatchObject({ err: { code: 'GITOPS_FETCH_FAILED' } });
    app.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });
  }, TEST_MS);

  it('refuses invalid GitOps settings with one line naming the variable and EX_CONFIG (78)', async () => {
    const app = start({ DATA_DIR: await dataDir(), GITOPS_REPOSITORY: 'https://git.example.com/c.git', GITOPS_AUTH: 'https_token' });
    expect(await app.exited).toEqual({ code: 78, signal: null });
    const lines = app.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('[GITOPS_SETTINGS_INVALID]');
    expect(lines[0]).toContain('GITOPS_TOKEN_FILE must be set when auth is https_token');
  }, TEST_MS);

  it('refuses an out-of-range CONFIG_FANOUT_BATCH with one line naming it', async () => {
    const app = start({ DATA_DIR: await dataDir(), CONFIG_FANOUT_BATCH: '0' });
    expect(await app.exited).toEqual({ code: 78, signal: null });
    const lines = app.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('CONFIG_FANOUT_BATCH');
  }, TEST_MS);
});
