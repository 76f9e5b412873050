import { ShepherdError } from '@shepherd/errors';
import { describe, expect, it } from 'vitest';
import { startupExitCode, startupFailureLine } from './startup-failure.js';

class DatabaseDownError extends ShepherdError {
  readonly code = 'STORE_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
}

describe('startupFailureLine', () => {
  it('is one line with the stable code and the cause chain', () => {
    const err = new DatabaseDownError('database unreachable at nowhere:5432', {
      cause: new Error('getaddrinfo ENOTFOUND nowhere\n    at frame'),
    });
    const line = startupFailureLine('all-in-one', err);
    expect(line).toBe(
      'all-in-one: cannot start [STORE_UNAVAILABLE]: database unreachable at nowhere:5432: getaddrinfo ENOTFOUND nowhere at frame',
    );
    expect(line).not.toContain('\n');
  });

  it('does not repeat a cause whose text the outer message already holds', () => {
    const err = new Error('connect ECONNREFUSED 127.0.0.1:1', { cause: new Error('ECONNREFUSED') });
    expect(startupFailureLine('gw', err)).toBe('gw: cannot start: connect ECONNREFUSED 127.0.0.1:1');
  });
});

class BadSettingsError extends ShepherdError {
  readonly code = 'GITOPS_SETTINGS_INVALID';
  readonly kind = 'invalid_argument' as const;
}

describe('startupExitCode', () => {
  it('is EX_CONFIG (78) for settings a module refused, and 1 for a backend down or a bug', () => {
    expect(startupExitCode(new BadSettingsError('GITOPS_TOKEN_FILE must be set'))).toBe(78);
    expect(startupExitCode(new DatabaseDownError('database unreachable'))).toBe(1);
    expect(startupExitCode(new TypeError('x is not a function'))).toBe(1);
    expect(startupExitCode('thrown text')).toBe(1);
  });
});
