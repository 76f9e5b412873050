import { describe, expect, it } from 'vitest';
import { SerializationError, StoreConfigError } from './errors.js';
import { resolveTransactionOptions, runWithRetries } from './transaction-runner.js';

const conflict = (): SerializationError => new SerializationError('conflict', { sqlState: '40001' });

describe('runWithRetries', () => {
  it('reruns a conflicting attempt until it succeeds', async () => {
    let calls = 0;
    const opts = resolveTransactionOptions({ retryOnConflict: true, retries: 3 });
    const result = await runWithRetries(opts, async () => {
      calls += 1;
      if (calls < 3) throw conflict();
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('gives up after `retries` reruns and rethrows the conflict', async () => {
    let calls = 0;
    const opts = resolveTransactionOptions({ retryOnConflict: true, retries: 2 });
    const err = await runWithRetries(opts, async () => {
      calls += 1;
      throw conflict();
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerializationError);
    expect(calls).toBe(3);
  });

  it('does not retry without retryOnConflict, nor other errors', async () => {
    let calls = 0;
    const fail = async (): Promise<never> => {
      calls += 1;
      throw conflict();
    };
    await expect(runWithRetries(resolveTransactionOptions(), fail)).rejects.toBeInstanceOf(SerializationError);
    const other = new Error('other');
    await expect(
      runWithRetries(resolveTransactionOptions({ retryOnConflict: true }), async () => {
        calls += 1;
        throw other;
      }),
    ).rejects.toBe(other);
    expect(calls).toBe(2);
  });

  it('validates options', () => {
    expect(resolveTransactionOptions()).toEqual({ isolation: 'read committed', retryOnConflict: false, retries: 3 });
    expect(() => resolveTransactionOptions({ retries: -1 })).toThrow(StoreConfigError);
    expect(() => resolveTransactionOptions({ isolation: 'chaos' as never })).toThrow(StoreConfigError);
  });
});
