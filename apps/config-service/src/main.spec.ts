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
  const dir = await mkdtemp(join(tmpdir(), 'shepherd-config-app-'));
  dirs.push(dir);
  return dir;
}

/** JSON log records written so far. */
function records(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('config-service process', () => {
  it('starts on embedded adapters, is ready, and drains and exits 0 on SIGTERM', async () => {
    const app = start({ DATA_DIR: await dataDir(), CONFIG_FANOUT_BATCH: '50' });
    const url = await waitFor(() => records(app.stdout()).find((r) => r['msg'] === 'ready')?.['adminUrl'] as string | undefined, {
      timeoutMs: 45_000,
      description: `the ready log line (stderr: ${app.stderr()})`,
    });
    expect(records(app.stdout()).find((r) => r['msg'] === 'ready')).toMatchObject({ name: 'config-service', modules: ['config-service'] });
    expect(records(app.stdout()).some((r) => r['msg'] === 'module started' && r['module'] === 'config-service')).toBe(true);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  }, 60_000);

  it('refuses an out-of-range CONFIG_FANOUT_BATCH with one line naming it', async () => {
    const app = start({ DATA_DIR: await dataDir(), CONFIG_FANOUT_BATCH: '0' });
    expect(await app.exited).toBe(78);
    const lines = app.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('CONFIG_FANOUT_BATCH');
  }, 60_000);
});
