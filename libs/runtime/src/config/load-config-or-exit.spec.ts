import { afterEach, describe, expect, it } from 'vitest';
import { startFixture, type FixtureProcess } from '../../test/fixture-process.js';
import { UnknownEnvVarError } from '../errors.js';
import type { EnvVarName } from './env-catalogue.js';
import { EXIT_CONFIG, loadConfigOrExit } from './load-config-or-exit.js';

class ExitCalled extends Error {
  constructor(readonly code: number) {
    super(`exit(${code})`);
  }
}

/** Runs loadConfigOrExit with recording process hooks; returns what it wrote and the exit code. */
function run(names: readonly EnvVarName[], env: Record<string, string>): { stderr: string; code: number | undefined } {
  let stderr = '';
  try {
    loadConfigOrExit(names, env, {
      writeStderr: (text) => (stderr += text),
      exit: (code) => {
        throw new ExitCalled(code);
      },
    });
    return { stderr, code: undefined };
  } catch (err) {
    if (!(err instanceof ExitCalled)) throw err;
    return { stderr, code: err.code };
  }
}

describe('loadConfigOrExit', () => {
  it('returns the config when every variable is valid', () => {
    expect(loadConfigOrExit(['ADMIN_PORT'], { ADMIN_PORT: '0' }).adminPort).toBe(0);
  });

  it('writes one line naming the variable and exits with EX_CONFIG (78)', () => {
    expect(run(['NATS_URL'], { NATS_URL: 'http//x' })).toEqual({
      stderr: 'shepherd: invalid configuration: NATS_URL must be a nats:// or tls:// URL (got "http//x")\n',
      code: EXIT_CONFIG,
    });
    expect(EXIT_CONFIG).toBe(78);
  });

  it('lists several bad variables on the same single line', () => {
    const { stderr, code } = run(['ADMIN_PORT', 'LOG_LEVEL'], { ADMIN_PORT: 'x', LOG_LEVEL: 'loud\nsecond line' });
    expect(code).toBe(78);
    expect(stderr.split('\n')).toEqual([
      'shepherd: invalid configuration: LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent ' +
        '(got "loud\\nsecond line"); ADMIN_PORT: must be an integer from 0 to 65535 (got "x")',
      '',
    ]);
  });

  it('keeps a rule problem with line breaks on one line', () => {
    const rule = () => [{ variable: 'ADMIN_HOST', problem: 'is wrong:\n  see the docs' }];
    let stderr = '';
    expect(() =>
      loadConfigOrExit(['ADMIN_HOST'], {}, { rules: [rule], writeStderr: (t) => (stderr += t), exit: () => { throw new ExitCalled(78); } }),
    ).toThrow(ExitCalled);
    expect(stderr).toBe('shepherd: invalid configuration: ADMIN_HOST is wrong: see the docs\n');
  });

  it('rethrows programming errors instead of exiting', () => {
    expect(() => run(['NOPE' as EnvVarName], {})).toThrow(UnknownEnvVarError);
  });

  describe('in a real process', () => {
    let fixture: FixtureProcess | undefined;
    afterEach(() => fixture?.kill());

    it('exits with 78 and one stderr line that hides the secret value', async () => {
      fixture = startFixture('config-child.ts', {
        ADMIN_PORT: '65536',
        NATS_URL: 'nats://ok:4222',
        DATABASE_URL: 'mysql://app:hunter2@db/app',
      });
      expect(await fixture.exited).toBe(78);
      expect(fixture.stdout()).toBe('');
      expect(fixture.stderr()).toBe(
        'shepherd: invalid configuration: ADMIN_PORT: must be an integer from 0 to 65535 (got "65536"); ' +
          'DATABASE_URL: must be a postgres:// or postgresql:// URL (value not shown: secret)\n',
      );
    });

    it('starts normally when the configuration is valid', async () => {
      fixture = startFixture('config-child.ts', { ADMIN_PORT: '9999', NATS_URL: '', DATABASE_URL: undefined });
      expect(await fixture.exited).toBe(0);
      expect(JSON.parse(fixture.stdout())).toEqual({ shepherdMode: expect.any(String), adminPort: 9999 });
    });
  });
});
