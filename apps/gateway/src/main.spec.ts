import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import {
  ServerErrorResponseType,
  decodeServerToAgent,
  decodeWsFrame,
  encodeAgentToServer,
  encodeWsFrame,
  newInstanceUid,
  toLong,
  type ServerToAgent,
} from '@shepherd/proto';
import { waitFor } from '@shepherd/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

const MAIN = resolve(import.meta.dirname, 'main.ts');
const DEV_TOKEN = 'gateway-app-test-token';
const children: ChildProcess[] = [];

interface Started {
  child: ChildProcess;
  stdout: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env['PATH'] ?? '', ADMIN_PORT: '0', OPAMP_PORT: '0', OPAMP_HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return { child, stdout: () => out, exited };
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

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('gateway process', () => {
  it('serves OpAMP with the dev token, never opens the store, and drains agents on SIGTERM', async () => {
    const app = start({ AUTH_DEV_TOKEN: DEV_TOKEN, DATABASE_URL: 'postgres://nowhere.invalid/shepherd', SHUTDOWN_TIMEOUT_MS: '5000' });
    const listening = await waitFor(() => logRecord(app.stdout(), 'OpAMP gateway listening'), {
      timeoutMs: 30_000,
      description: `the listening log line (output: ${app.stdout()})`,
    });
    const wsUrl = String(listening['url']).replace('http://', 'ws://');
    const socket = new WebSocket(wsUrl, { headers: { Authorization: `Bearer ${DEV_TOKEN}` } });
    const received: ServerToAgent[] = [];
    socket.on('message', (data: Buffer) => received.push(decodeServerToAgent(decodeWsFrame(new Uint8Array(data)))));
    const closed = new Promise<number>((res) => socket.on('close', (code) => res(code)));
    await new Promise((res, rej) => socket.once('open', res).once('error', rej));
    const uid = newInstanceUid();
    socket.send(encodeWsFrame(encodeAgentToServer({ instanceUid: uid, sequenceNum: toLong(1n), capabilities: toLong(1n) })));
    await waitFor(() => received.length === 1, { description: 'the first reply' });
    expect(Buffer.from(received[0]!.instanceUid)).toEqual(Buffer.from(uid));

    app.child.kill('SIGTERM');
    expect(await closed).toBe(1001);
    expect(received[1]?.errorResponse?.type).toBe(ServerErrorResponseType.ServerErrorResponseType_Unavailable);
    expect(await app.exited).toBe(0);
  }, 60_000);

  it('prints a generated development token once when none is configured', async () => {
    const app = start({});
    const rec = await waitFor(() => logRecord(app.stdout(), 'development bearer token generated (development mode only)'), {
      timeoutMs: 30_000,
      description: 'the dev token log line',
    });
    expect(String(rec['devToken']).length).toBeGreaterThanOrEqual(16);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.stdout().split('development bearer token generated').length).toBe(2);
  }, 60_000);
});
