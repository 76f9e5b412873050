import { describe, expect, it } from 'vitest';
import { uniqueName, waitFor } from '@shepherd/testing';
import { describeEventBusContract } from '../bus.contract.js';
import { bytes, deferred, rejectionOf } from '../bus-contract.test-helpers.js';
import { PublishQueueFullError } from '../errors.js';
import { createInProcessBus } from './in-process-event-bus.js';

describeEventBusContract('in-process', async (options = {}) => {
  const bus = createInProcessBus({ name: 'contract', maxPendingPublishes: options.maxPendingPublishes });
  return { bus, prefix: uniqueName('bus'), cleanup: () => bus.close() };
});

describe('in-process bus specifics', () => {
  it('holds at most maxPendingPublishes publishes in flight; the rest wait their turn', async () => {
    const gate = deferred();
    let inside = 0;
    let peak = 0;
    const bus = createInProcessBus({
      maxPendingPublishes: 2,
      beforeStore: async () => {
        inside++;
        peak = Math.max(peak, inside);
        await gate.promise;
        inside--;
      },
    });
    await bus.ensureStream({ name: 'bp', subjects: ['bp.>'] });
    const publishes = Array.from({ length: 10 }, (_, i) => bus.publish('bp.x', bytes(String(i))));
    await waitFor(() => inside === 2, { description: 'two publishes in flight' });
    // give the waiting eight every chance to slip through before releasing
    await new Promise((resolve) => setImmediate(resolve));
    expect(inside).toBe(2);
    gate.resolve();
    const receipts = await Promise.all(publishes);
    expect(receipts.map((r) => r.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(peak).toBe(2);
    await bus.close();
  });

  it('refuses publishes beyond maxQueuedPublishes with PublishQueueFullError', async () => {
    const gate = deferred();
    const bus = createInProcessBus({ maxPendingPublishes: 1, maxQueuedPublishes: 1, beforeStore: () => gate.promise });
    await bus.ensureStream({ name: 'full', subjects: ['full.>'] });
    const first = bus.publish('full.x', bytes('1'));
    const second = bus.publish('full.x', bytes('2'));
    const third = await rejectionOf(bus.publish('full.x', bytes('3')));
    expect(third).toBeInstanceOf(PublishQueueFullError);
    gate.resolve();
    await Promise.all([first, second]);
    await bus.close();
  });
});
