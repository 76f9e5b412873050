import { describe, expect, expectTypeOf, it } from 'vitest';
import { toCamelCase } from './camel-case.js';

describe('toCamelCase', () => {
  it('turns UPPER_SNAKE_CASE into camelCase, at runtime and in the type', () => {
    expect(toCamelCase('SHUTDOWN_TIMEOUT_MS')).toBe('shutdownTimeoutMs');
    expect(toCamelCase('DATA_DIR')).toBe('dataDir');
    expect(toCamelCase('LOG')).toBe('log');
    expectTypeOf(toCamelCase('ADMIN_PORT')).toEqualTypeOf<'adminPort'>();
  });
});
