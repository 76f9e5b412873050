import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startAppProcess, stopAllAppProcesses, type AppProcess } from '@shepherd/testing';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = resolve(import.meta.dirname, 'main.ts');
const DEV_TOKEN_LOG = 'development bearer token generated (development mode only)';
// Embedded PGlite migrations make a cold start take tens of seconds on a busy machine.
const STARTUP_MS = 60_000;
const TEST_MS = 120_000;
const dirs: string[] = [];

function start(env: Record<string, string>): AppProcess {
  return startAppProcess({
    main: MAIN,
    name: 'admin-api',
    env: { ADMIN_PORT: '0', API_HOST: '127.0.0.1', API_PORT: '0', LOG_LEVEL: 'info', ...env },
  });
}

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shepherd-admin-api-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await stopAllAppProcesses();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('admin-api process', () => {
  it('serves the seed document request with the printed development token and stops on SIGTERM', async () => {
    const app = start({ DATA_DIR: await dataDir() });
    await app.waitForLog('ready', STARTUP_MS);
    const url = app.url('api');
    const token = app.logs.find((r) => r.msg === DEV_TOKEN_LOG)?.['devToken'];
    expect(typeof token).toBe('string');
    const auth = { authorization: `Bearer ${token as string}` };

    const created = await fetch(`${url}/api/v1/configs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        target: 'env=test,region=us-west-2',
        config: { receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } } },
      }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ configHash: expect.stringMatching(/^[0-9a-f]{64}$/), matchedAgents: 0 });

    const agents = await fetch(`${url}/api/v1/agents?label=env=test`, { headers: auth });
    expect(agents.status).toBe(200);
    expect(await agents.json()).toEqual({ agents: [] });
    expect((await fetch(`${url}/api/v1/agents`)).status).toBe(401);

    app.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });
  }, TEST_MS);

  it('refuses production mode without a JWT key with one line naming the problem and EX_CONFIG (78)', async () => {
    const app = start({ DATA_DIR: await dataDir(), SHEPHERD_MODE: 'production' });
    expect(await app.exited).toEqual({ code: 78, signal: null });
    const lines = app.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^admin-api: cannot start \[AUTH_CONFIG_INVALID\]: .*AUTH_JWT_KEY_FILE/);
  }, TEST_MS);
});
