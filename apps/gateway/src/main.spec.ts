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
import { startAppProcess, stopAllAppProcesses, waitFor, type AppProcess } from '@shepherd/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

const MAIN = resolve(import.meta.dirname, 'main.ts');
const DEV_TOKEN = 'gateway-app-test-token';
const DEV_TOKEN_LOG = 'development bearer token generated (development mode only)';
const STARTUP_MS = 60_000;
const TEST_MS = 120_000;

function start(env: Record<string, string>): AppProcess {
  return startAppProcess({
    main: MAIN,
    name: 'gateway',
    env: { ADMIN_PORT: '0', OPAMP_PORT: '0', OPAMP_HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
  });
}

/** How often `text` occurs in everything the process wrote, stdout and stderr alike. */
function mentions(app: AppProcess, text: string): number {
  const count = (s: string): number => s.split(text).length - 1;
  return app.logs.reduce((n, r) => n + count(r.raw ?? JSON.stringify(r)), 0) + count(app.stderr);
}

afterEach(() => stopAllAppProcesses());

describe('gateway process', () => {
  it('serves OpAMP with the dev token, never opens the store, and drains agents on SIGTERM', async () => {
    const app = start({ AUTH_DEV_TOKEN: DEV_TOKEN, DATABASE_URL: 'postgres://nowhere.invalid/shepherd', SHUTDOWN_TIMEOUT_MS: '5000' });
    await app.waitForLog('OpAMP gateway listening', STARTUP_MS);
    const socket = new WebSocket(app.url('opampWs'), { headers: { Authorization: `Bearer ${DEV_TOKEN}` } });
    const received: ServerToAgent[] = [];
    socket.on('message', (data: Buffer) => received.push(decodeServerToAgent(decodeWsFrame(new Uint8Array(data)))));
    const closed = new Promise<number>((res) => socket.on('close', (code) => res(code)));
    await new Promise((res, rej) => socket.once('open', res).once('error', rej));
    const uid = newInstanceUid();
    socket.send(encodeWsFrame(encodeAgentToServer({ instanceUid: uid, sequenceNum: toLong(1n), capabilities: toLong(1n) })));
    await waitFor(() => received.length === 1, { description: 'the first reply' });
    expect(Buffer.from(received[0]!.instanceUid)).toEqual(Buffer.from(uid));

    app.kill('SIGTERM');
    expect(await closed).toBe(1001);
    expect(received[1]?.errorResponse?.type).toBe(ServerErrorResponseType.ServerErrorResponseType_Unavailable);
    expect(await app.exited).toEqual({ code: 0, signal: null });
  }, TEST_MS);

  it('prints a generated development token once when none is configured', async () => {
    const app = start({});
    const rec = await app.waitForLog(DEV_TOKEN_LOG, STARTUP_MS);
    expect(String(rec['devToken']).length).toBeGreaterThanOrEqual(16);
    app.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });
    // Every line is still held, so the count below covers the whole output.
    expect(app.logs).toHaveLength(app.logCount);
    expect(mentions(app, 'development bearer token generated')).toBe(1);
  }, TEST_MS);
});
