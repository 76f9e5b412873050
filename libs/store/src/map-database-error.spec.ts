import { describe, expect, it } from 'vitest';
import {
  CheckViolationError,
  ForeignKeyViolationError,
  NotNullViolationError,
  QueryError,
  SerializationError,
  StatementTimeoutError,
  StoreClosedError,
  StoreUnavailableError,
  TransactionAbortedError,
  UniqueViolationError,
} from './errors.js';
import { mapDatabaseError } from './map-database-error.js';

const dbError = (code: string, message = 'failed', extra: Record<string, string> = {}): Error =>
  Object.assign(new Error(message), { code, ...extra });

describe('mapDatabaseError', () => {
  it('maps each SQLSTATE the store distinguishes to its class and kind', () => {
    const cases: Array<[string, new (...args: never[]) => Error, string]> = [
      ['23505', UniqueViolationError, 'conflict'],
      ['23503', ForeignKeyViolationError, 'failed_precondition'],
      ['23514', CheckViolationError, 'invalid_argument'],
      ['23502', NotNullViolationError, 'invalid_argument'],
      ['40001', SerializationError, 'conflict'],
      ['40P01', SerializationError, 'conflict'],
      ['57014', StatementTimeoutError, 'deadline_exceeded'],
      ['25P02', TransactionAbortedError, 'internal'],
      ['42601', QueryError, 'internal'],
    ];
    for (const [code, ErrorClass, kind] of cases) {
      const cause = dbError(code);
      const mapped = mapDatabaseError(cause);
      expect(mapped, code).toBeInstanceOf(ErrorClass);
      expect(mapped).toMatchObject({ kind, sqlState: code });
      expect(mapped.cause).toBe(cause);
    }
  });

  it('keeps the constraint and table names PostgreSQL reports', () => {
    const mapped = mapDatabaseError(dbError('23505', 'duplicate key', { constraint: 'agents_pkey', table: 'agents' }));
    expect(mapped).toMatchObject({ code: 'UNIQUE_VIOLATION', constraint: 'agents_pkey', table: 'agents' });
  });

  it('treats network failures, connection SQLSTATEs and pool timeouts as unavailable, naming the target', () => {
    const context = { target: 'PostgreSQL db:5432/app' };
    const failures = [
      dbError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:5432'),
      dbError('ENOTFOUND', 'getaddrinfo ENOTFOUND db'),
      Object.assign(new AggregateError([dbError('ECONNREFUSED')], ''), {}),
      dbError('57P01', 'terminating connection due to administrator command'),
      dbError('28P01', 'password authentication failed for user "app"'),
      dbError('08006'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated unexpectedly'),
    ];
    for (const failure of failures) {
      const mapped = mapDatabaseError(failure, context);
      expect(mapped, failure.message).toBeInstanceOf(StoreUnavailableError);
      expect(mapped.message).toMatch(/^PostgreSQL db:5432\/app is unavailable: /);
    }
  });

  it('never puts a secret into the message', () => {
    const mapped = mapDatabaseError(new Error('cannot connect to postgres://app:s3cr3t@db/x'), { secrets: ['s3cr3t'] });
    expect(mapped.message).not.toContain('s3cr3t');
    expect(mapped.message).toContain('app:***@db');
  });

  it('returns store errors unchanged and wraps unknown values as QueryError', () => {
    const closed = new StoreClosedError('closed');
    expect(mapDatabaseError(closed)).toBe(closed);
    const mapped = mapDatabaseError('plain string');
    expect(mapped).toBeInstanceOf(QueryError);
    expect(mapped).toMatchObject({ sqlState: '', message: 'plain string' });
  });
});
