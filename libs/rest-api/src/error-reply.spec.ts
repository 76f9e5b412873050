import { ConfigValidationError } from '@shepherd/config-validation';
import { ShepherdError } from '@shepherd/errors';
import { describe, expect, it } from 'vitest';
import { errorReply } from './error-reply.js';
import { InvalidYamlError } from './errors.js';

class BrokenInvariant extends ShepherdError {
  readonly code = 'STATE_CORRUPT';
  readonly kind = 'internal' as const;
}

describe('errorReply', () => {
  it('keeps the code, message and details of a client error', () => {
    const reply = errorReply(new InvalidYamlError('bad yaml', { line: 3, column: 7 }));
    expect(reply).toEqual({
      status: 400,
      body: { error: { code: 'CONFIG_INVALID_YAML', message: 'bad yaml', details: { line: 3, column: 7 } } },
      serverFault: false,
    });
  });

  it('keeps the code but hides the message of a server-side ShepherdError', () => {
    const reply = errorReply(new BrokenInvariant('row 7 of agents has owner x@10.0.0.3'));
    expect(reply.status).toBe(500);
    expect(reply.serverFault).toBe(true);
    expect(reply.body).toEqual({ error: { code: 'STATE_CORRUPT', message: 'internal error' } });
  });

  it('lists every problem of a rejected config with its file, position and code, bounded', () => {
    const problems = Array.from({ length: 150 }, (_, i) => ({
      file: 'collector.yaml',
      line: i + 1,
      column: 7,
      path: `service.pipelines.traces.processors[${i}]`,
      code: 'COMPONENT_UNDEFINED',
      message: `processor "p${i}" is not defined`,
    }));
    const answer = errorReply(new ConfigValidationError(problems));
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('CONFIG_INVALID');
    expect(answer.body.error.problems).toHaveLength(100);
    expect(answer.body.error.problems![0]).toEqual(problems[0]);
  });

  it('drops non-scalar details', () => {
    const err = Object.assign(new InvalidYamlError('x'), { details: { ok: 'yes', nested: { secret: 1 } } });
    expect(errorReply(err).body.error.details).toEqual({ ok: 'yes' });
  });

  it('treats values that are not errors as internal', () => {
    for (const thrown of [undefined, 'text', 42, { statusCode: 502, message: 'upstream detail' }]) {
      expect(errorReply(thrown)).toEqual({ status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } }, serverFault: true });
    }
  });
});
