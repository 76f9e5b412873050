import { describe, expect, it } from 'vitest';
import { DuplicateRegistrationError, RegistrationLimitError, RuntimeOptionsError } from './errors.js';
import { NOT_READY_CHECK, Readiness } from './readiness.js';

describe('Readiness', () => {
  it('is ready with no checks', async () => {
    expect(await new Readiness().check()).toEqual({ ready: true, failing: [] });
  });

  it('is ready when every check passes, sync or async', async () => {
    const readiness = new Readiness();
    readiness.addCheck('sync', () => undefined);
    readiness.addCheck('async', async () => true);
    expect(await readiness.check()).toEqual({ ready: true, failing: [] });
  });

  it('names each failing check with its reason: thrown, rejected or false', async () => {
    const readiness = new Readiness();
    readiness.addCheck('ok', () => true);
    readiness.addCheck('throws', () => {
      throw new Error('bus disconnected');
    });
    readiness.addCheck('rejects', () => Promise.reject(new Error('store unreachable')));
    readiness.addCheck('false', () => false);
    expect(await readiness.check()).toEqual({
      ready: false,
      failing: [
        { name: 'throws', reason: 'bus disconnected' },
        { name: 'rejects', reason: 'store unreachable' },
        { name: 'false', reason: 'check failed' },
      ],
    });
  });

  it('fails a check that outlives its timeout, without waiting for it', async () => {
    const readiness = new Readiness({ checkTimeoutMs: 50 });
    readiness.addCheck('hangs', () => new Promise<void>(() => undefined));
    const started = Date.now();
    expect(await readiness.check()).toEqual({ ready: false, failing: [{ name: 'hangs', reason: 'timed out after 50 ms' }] });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('uses a 1 s timeout by default', async () => {
    const readiness = new Readiness();
    readiness.addCheck('hangs', () => new Promise<void>(() => undefined));
    expect((await readiness.check()).failing).toEqual([{ name: 'hangs', reason: 'timed out after 1000 ms' }]);
  });

  it('stays not ready for good once setNotReady was called, keeping the first reason', async () => {
    const readiness = new Readiness();
    readiness.addCheck('ok', () => true);
    readiness.setNotReady('shutting down (SIGTERM)');
    readiness.setNotReady('again');
    for (let i = 0; i < 2; i += 1) {
      expect(await readiness.check()).toEqual({ ready: false, failing: [{ name: NOT_READY_CHECK, reason: 'shutting down (SIGTERM)' }] });
    }
  });

  it('refuses duplicate names, too many checks and bad options', () => {
    const readiness = new Readiness({ maxChecks: 2 });
    readiness.addCheck('a', () => true);
    expect(() => readiness.addCheck('a', () => true)).toThrow(DuplicateRegistrationError);
    readiness.addCheck('b', () => true);
    expect(() => readiness.addCheck('c', () => true)).toThrow(RegistrationLimitError);
    expect(() => new Readiness({ checkTimeoutMs: 0 })).toThrow(RuntimeOptionsError);
  });
});
