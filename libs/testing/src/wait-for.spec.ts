import { describe, expect, it } from 'vitest';
import { uniqueName, waitFor } from './index.js';

describe('waitFor', () => {
  it('returns the first truthy value of the probe', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? `after ${calls}` : undefined), { intervalMs: 1 });
    expect(value).toBe('after 3');
  });

  it('names what it waited for when it gives up, with the last error as cause', async () => {
    const err = await waitFor(
      () => {
        throw new Error('still down');
      },
      { timeoutMs: 30, intervalMs: 5, description: 'the widget' },
    ).catch((e: unknown) => e as Error);
    expect(err.message).toMatch(/waiting for the widget/);
    expect((err.cause as Error).message).toBe('still down');
  });
});

describe('uniqueName', () => {
  it('is a valid identifier and differs on every call', () => {
    const a = uniqueName('t');
    expect(a).toMatch(/^t_[0-9a-f]{12}$/);
    expect(uniqueName('t')).not.toBe(a);
  });
});
