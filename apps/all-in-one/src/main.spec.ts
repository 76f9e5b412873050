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
    env: { PATH: process.env['PATH'] ?? '', ADMIN_PORT: '0', LOG_LEVEL: 'info', ...env },
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
  const dir = await mkdtemp(join(tmpdir(), 'shepherd-aio-'));
  dirs.push(dir);
  return dir;
}

/** The admin URL from the "ready" log line. */
function adminUrl(stdout: string): string | undefined {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const rec = JSON.parse(line) as { msg?: string; adminUrl?: string };
    if (rec.msg === 'ready' && rec.adminUrl) return rec.adminUrl;
  }
  return undefined;
}

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('all-in-one process', () => {
  it('starts on embedded adapters, answers /healthz and /readyz, and stops cleanly on SIGTERM', async () => {
    const app = start({ DATA_DIR: await dataDir() });
    const url = await waitFor(() => adminUrl(app.stdout()), {
      timeoutMs: 30_000,
      description: `the ready log line (stderr: ${app.stderr()})`,
    });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('process_cpu');

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  }, 60_000);

  it('fails fast with one line when DATABASE_URL points nowhere', async () => {
    const app = start({ DATA_DIR: await dataDir(), DATABASE_URL: 'postgres://nowhere/shepherd' });
    const code = await app.exited;
    expect(code).not.toBe(0);
    const lines = app.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^all-in-one: cannot start \[STORE_UNAVAILABLE\]: .*nowhere/);
  }, 60_000);

  it('refuses a malformed NATS_URL with one line naming it, before touching any backend', async () => {
    const app = start({ DATA_DIR: await dataDir(), NATS_URL: 'http//not a url' });
    expect(await app.exited).toBe(78);
    const lines = app.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('NATS_URL');
  }, 60_000);
});
