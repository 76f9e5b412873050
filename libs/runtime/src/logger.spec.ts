import { describe, expect, it } from 'vitest';
import { RuntimeOptionsError } from './errors.js';
import type { LogLevel } from './log-levels.js';
import { createLogger, REDACTED } from './logger.js';
import { memoryLogger as captured } from '../test/memory-logger.js';

describe('createLogger', () => {
  it('writes one JSON object per line with name, level label, time and fields', () => {
    const { logger, lines } = captured();
    logger.info({ agentId: 'a-1', count: 3 }, 'agent connected');
    expect(lines()).toEqual([
      expect.objectContaining({ name: 'test-service', level: 'info', agentId: 'a-1', count: 3, msg: 'agent connected' }),
    ]);
    expect(new Date(lines()[0]!.time as string).toISOString()).toBe(lines()[0]!.time);
  });

  it('drops lines below its level', () => {
    const { logger, lines } = captured('warn');
    logger.info('hidden');
    logger.warn('shown');
    expect(lines().map((line) => line.msg)).toEqual(['shown']);
  });

  it('redacts credentials at the top level, one level down and in request headers', () => {
    const { logger, raw, lines } = captured();
    logger.info(
      {
        password: 'pw-top',
        token: 'tok-top',
        user: { name: 'ada', password: 'pw-nested', privateKey: 'pk-nested', secret: 'sec-nested' },
        client: { authorization: 'Bearer auth-nested' },
        req: { method: 'GET', headers: { authorization: 'Bearer auth-req', cookie: 'sid=cookie-req', accept: 'text/plain' } },
        headers: { cookie: 'sid=cookie-top' },
      },
      'request',
    );
    for (const secret of ['pw-top', 'tok-top', 'pw-nested', 'pk-nested', 'sec-nested', 'auth-nested', 'auth-req', 'cookie-req', 'cookie-top']) {
      expect(raw()).not.toContain(secret);
    }
    const [line] = lines();
    expect(line).toMatchObject({
      password: REDACTED,
      user: { name: 'ada', password: REDACTED },
      req: { method: 'GET', headers: { authorization: REDACTED, accept: 'text/plain' } },
    });
  });

  it('redacts the config keys of secret catalogue variables', () => {
    const { logger, raw, lines } = captured();
    const config = { databaseUrl: 'postgres://app:db-pw@db/app', redisUrl: 'redis://:redis-pw@r', adminPort: 9464 };
    logger.info({ config, databaseUrl: config.databaseUrl }, 'starting');
    expect(raw()).not.toContain('db-pw');
    expect(raw()).not.toContain('redis-pw');
    expect(lines()[0]).toMatchObject({ databaseUrl: REDACTED, config: { databaseUrl: REDACTED, redisUrl: REDACTED, adminPort: 9464 } });
  });

  it('redacts extra paths given by the app', () => {
    const chunks: string[] = [];
    const destination = { write: (line: string) => void chunks.push(line) };
    const logger = createLogger({ name: 'x', level: 'info', destination, redact: ['jwt.signature'] });
    logger.info({ jwt: { signature: 'sig-value', alg: 'RS256' } });
    expect(chunks.join('')).not.toContain('sig-value');
    expect(chunks.join('')).toContain('RS256');
  });

  it('rejects an empty name or an unknown level', () => {
    expect(() => createLogger({ name: ' ', level: 'info' })).toThrow(RuntimeOptionsError);
    expect(() => createLogger({ name: 'x', level: 'loud' as LogLevel })).toThrow(RuntimeOptionsError);
  });
});
