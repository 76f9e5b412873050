import { describe, expect, it } from 'vitest';
import { responseFor } from '@shepherd/errors';
import { ConfigValidationError } from './errors.js';

describe('ConfigValidationError', () => {
  const problems = [
    { file: 'c.yaml', line: 3, column: 5, path: 'servce', code: 'CONFIG_UNKNOWN_KEY', message: "unknown top-level key 'servce'" },
    { file: 'c.yaml', code: 'COMPONENT_UNDEFINED', message: 'x' },
  ];

  it('answers 400 with code CONFIG_INVALID and carries every problem', () => {
    const err = new ConfigValidationError(problems);
    expect(responseFor(err)).toMatchObject({ http: 400, code: 'CONFIG_INVALID', kind: 'invalid_argument' });
    expect(err.problems).toEqual(problems);
    expect(err.message).toBe("config is invalid: c.yaml:3:5: unknown top-level key 'servce' (and 1 more problem(s))");
    expect(JSON.parse(JSON.stringify(err))).toEqual({ code: 'CONFIG_INVALID', message: err.message, problems });
  });
});
