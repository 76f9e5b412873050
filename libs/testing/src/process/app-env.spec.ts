import { describe, expect, it } from 'vitest';
import { testEngines } from '../engines.js';
import { loopbackAppEnv, realEnginesEnv } from './app-env.js';

describe('loopbackAppEnv', () => {
  it('binds every listener to loopback on port 0 by default', () => {
    expect(loopbackAppEnv({ token: 't', dataDir: '/tmp/d' })).toEqual({
      AUTH_DEV_TOKEN: 't',
      DATA_DIR: '/tmp/d',
      LOG_LEVEL: 'info',
      OPAMP_HOST: '127.0.0.1',
      API_HOST: '127.0.0.1',
      ADMIN_HOST: '127.0.0.1',
      OPAMP_PORT: '0',
      API_PORT: '0',
      ADMIN_PORT: '0',
      SHUTDOWN_TIMEOUT_MS: '10000',
    });
  });

  it('takes a fixed OpAMP port and shutdown timeout', () => {
    expect(loopbackAppEnv({ token: 't', dataDir: 'd', opampPort: 4320, shutdownTimeoutMs: 5_000 })).toMatchObject({ OPAMP_PORT: '4320', SHUTDOWN_TIMEOUT_MS: '5000' });
  });
});

describe('realEnginesEnv', () => {
  it('points at the test engines and isolates everything by the name', () => {
    expect(realEnginesEnv('e2e_ab12')).toEqual({
      NATS_URL: testEngines.natsUrl,
      REDIS_URL: testEngines.redisUrl,
      DATABASE_URL: testEngines.databaseUrl,
      BUS_SUBJECT_PREFIX: 'e2e_ab12',
      REDIS_KEY_PREFIX: 'e2e_ab12:',
      DATABASE_SCHEMA: 'e2e_ab12',
    });
  });
});
