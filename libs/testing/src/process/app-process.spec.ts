import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAppProcess, stopAllAppProcesses } from './app-process.js';

const FIXTURE = resolve(import.meta.dirname, 'app-fixture.test-helpers.ts');

afterEach(() => stopAllAppProcesses());

describe('startAppProcess', () => {
  it('parses JSON log lines, announces URLs with wildcard hosts made reachable, and passes only PATH and the given env', async () => {
    const app = startAppProcess({ main: FIXTURE, name: 'fixture', env: { FIXTURE_MODE: 'serve', EXTRA: 'x', UNSET: undefined } });
    const ready = await app.waitForLog('ready', 20_000);
    expect(ready['adminUrl']).toBe('http://0.0.0.0:9999');
    expect(app.logs[0]).toEqual({ raw: 'not json at all' });
    const env = await app.waitForLog('env');
    // Node itself may add a few variables; none of the parent's may leak through.
    expect(env['keys']).toEqual(expect.arrayContaining(['EXTRA', 'FIXTURE_MODE', 'PATH']));
    expect(env['keys']).not.toContain('UNSET');
    expect(env['keys']).not.toContain('VITEST');
    expect(app.urls()).toEqual({
      opamp: 'http://127.0.0.1:4999/v1/opamp',
      opampWs: 'ws://127.0.0.1:4999/v1/opamp',
      api: 'http://127.0.0.1:8099',
      admin: 'http://127.0.0.1:9999',
    });
    expect(app.url('api')).toBe('http://127.0.0.1:8099');
  });

  it('waits only for records logged at or after `since`, and stops gracefully on SIGTERM', async () => {
    const app = startAppProcess({ main: FIXTURE, env: { FIXTURE_MODE: 'serve' } });
    await app.waitForLog('ready', 20_000);
    const mark = app.logCount;
    const tick = await app.waitForLog((r) => r.msg === 'tick', 5_000, mark);
    expect(app.logs.slice(0, mark)).not.toContain(tick);
    await expect(app.waitForLog('env', 300, app.logCount)).rejects.toThrow(/timed out after 300 ms waiting for log "env"/);
    expect(await app.stop()).toEqual({ code: 0, signal: null });
    expect(app.logs.at(-1)?.msg).toBe('stopping');
  });

  it('rejects a wait at once when the process ends first, quoting its stderr', async () => {
    const app = startAppProcess({ main: FIXTURE, name: 'crasher', env: { FIXTURE_MODE: 'crash' } });
    await expect(app.waitForLog('ready', 20_000)).rejects.toThrow(/app crasher ended \(code 3, signal null\) before log "ready"[\s\S]*cannot start \[BOOM\]/);
    expect(app.exit).toEqual({ code: 3, signal: null });
    expect(() => app.url('opamp')).toThrow(/has not announced its opamp URL/);
  });

  it('escalates to SIGKILL when SIGTERM is ignored, and stopAllAppProcesses kills whatever is left', async () => {
    const stubborn = startAppProcess({ main: FIXTURE, env: { FIXTURE_MODE: 'stubborn' } });
    await stubborn.waitForLog('ready', 20_000);
    expect(await stubborn.stop(300)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(stubborn.logs.some((r) => r.msg === 'ignoring SIGTERM')).toBe(true);

    const left = startAppProcess({ main: FIXTURE, env: { FIXTURE_MODE: 'stubborn' } });
    await left.waitForLog('ready', 20_000);
    await stopAllAppProcesses();
    expect(left.exit).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('passes nodeArgs to node itself, before --import tsx', async () => {
    const app = startAppProcess({ main: FIXTURE, env: { FIXTURE_MODE: 'serve' }, nodeArgs: ['--stack-size=900', '--no-warnings'] });
    const env = await app.waitForLog('env', 20_000);
    expect(env['execArgv']).toEqual(['--stack-size=900', '--no-warnings', '--import', 'tsx']);
  });

  it('refuses a relative entry path', () => {
    expect(() => startAppProcess({ main: 'apps/x/src/main.ts' })).toThrow(TypeError);
  });
});
