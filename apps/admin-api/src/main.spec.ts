import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from '@shepherd/testing';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = resolve(import.meta.dirname, 'main.ts');
const children: ChildProcess[] = [];
const dirs: string[] = [];

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env['PATH'] ?? '', ADMIN_PORT: '0', API_HOST: '127.0.0.1', API_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shepherd-admin-api-'));
  dirs.push(dir);
  return dir;
}

/** The first JSON log record with message `msg`. */
function logRecord(stdout: string, msg: string): Record<string, unknown> | undefined {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const rec = JSON.parse(line) as Record<string, unknown>;
    if (rec['msg'] === msg) return rec;
  }
  return undefined;
}

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('admin-api process', () => {
  it('serves the seed document request with the printed development token and stops on SIGTERM', async () => {
    const app = start({ DATA_DIR: await dataDir() });
    await waitFor(() => logRecord(app.stdout(), 'ready'), {
      timeoutMs: 30_000,
      description: `the ready log line (stderr: ${app.stderr()})`,
    });
    const url = logRecord(app.stdout(), 'REST API listening')?.['url'] as string;
    const token = logRecord(app.stdout(), 'development bearer token generated (development mode only)')?.['devToken'];
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

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  }, 60_000);

  it('refuses production mode without a JWT key with one line naming the problem', async () => {
    const app = start({ DATA_DIR: await dataDir(), SHEPHERD_MODE: 'production' });
    await app.exited;
    const lines = app.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^admin-api: cannot start \[AUTH_CONFIG_INVALID\]: .*AUTH_JWT_KEY_FILE/);
  }, 60_000);
});
