import { describe, expect, it } from 'vitest';
import { ERROR_KINDS, ERROR_RESPONSES, ShepherdError, isShepherdError, responseFor } from './index.js';

class WidgetMissingError extends ShepherdError {
  readonly code = 'WIDGET_MISSING';
  readonly kind = 'not_found' as const;
}

describe('error responses', () => {
  it('has a row for every kind', () => {
    expect(Object.keys(ERROR_RESPONSES).sort()).toEqual([...ERROR_KINDS].sort());
  });

  it('maps a ShepherdError by its kind and keeps its stable code', () => {
    const err = new WidgetMissingError('no widget 7', { cause: new Error('row absent') });
    expect(responseFor(err)).toEqual({ http: 404, grpc: 5, opamp: 1, code: 'WIDGET_MISSING', kind: 'not_found' });
    expect(err.name).toBe('WidgetMissingError');
    expect((err.cause as Error).message).toBe('row absent');
    expect(JSON.parse(JSON.stringify(err))).toEqual({ code: 'WIDGET_MISSING', message: 'no widget 7' });
  });

  it('treats anything else as internal', () => {
    expect(isShepherdError(new Error('x'))).toBe(false);
    expect(responseFor(new TypeError('boom'))).toMatchObject({ http: 500, grpc: 13, opamp: 0, code: 'INTERNAL' });
  });

  it('answers overload with OpAMP Unavailable so agents retry later', () => {
    expect(responseFor(Object.assign(new WidgetMissingError('x'), { kind: 'unavailable' })).opamp).toBe(2);
  });
});
