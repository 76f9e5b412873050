import { describe, expect, it } from 'vitest';
import { errorFields } from './error-fields.js';
import { ShepherdError } from './shepherd-error.js';

class SampleError extends ShepherdError {
  readonly code = 'SAMPLE_FAILED';
  readonly kind = 'unavailable' as const;
}

describe('errorFields', () => {
  it('keeps name, message and code of an error, never the stack or the cause', () => {
    const fields = errorFields(new SampleError('store down', { cause: new Error('password=hunter2') }));
    expect(fields).toEqual({ err: { name: 'SampleError', message: 'store down', code: 'SAMPLE_FAILED' } });
    expect(JSON.stringify(fields)).not.toContain('hunter2');
  });

  it('leaves out a code the error does not have, and stringifies what is not an Error', () => {
    expect(errorFields(new TypeError('bad'))).toEqual({ err: { name: 'TypeError', message: 'bad' } });
    expect(errorFields('plain')).toEqual({ err: 'plain' });
    expect(errorFields(42)).toEqual({ err: '42' });
  });
});
