import { createInProcessBus, createTopology, ensureTopology, InvalidSubjectError, RequestTimeoutError } from '@shepherd/bus';
import { createLogger, createMetricsRegistry } from '@shepherd/runtime';
import { uniqueName } from '@shepherd/testing';
import { describe, expect, it } from 'vitest';
import { BoundedPublisher } from './bounded-publisher.js';
import { createGatewayMetrics } from './gateway-metrics.js';

/** A bus whose publishes fail with `failure()` for the first `failures` attempts, and the publisher under test. */
async function setup(failures: number, failure: () => Error) {
  let attempts = 0;
  const bus = createInProcessBus({
    beforeStore: async () => {
      attempts += 1;
      if (attempts <= failures) throw failure();
    },
  });
  const topology = createTopology({ prefix: uniqueName('pub') });
  await ensureTopology(bus, topology);
  const stored: Uint8Array[] = [];
  bus.subscribe(topology.subjects.agentMessage, {}, (msg) => void stored.push(msg.data));
  const registry = createMetricsRegistry();
  const metrics = createGatewayMetrics(registry);
  const publisher = new BoundedPublisher(bus, 10, 1024, createLogger({ name: 'test', level: 'silent' }), metrics, [5, 5, 5]);
  const errors = async (code: string) => (await registry.getSingleMetric('shepherd_gateway_errors_total')?.get())?.values.find((v) => v.labels['code'] === code)?.value ?? 0;
  return { bus, topology, publisher, stored, errors, attempts: () => attempts };
}

describe('BoundedPublisher', () => {
  it('retries a publish the broker answered too late, with the same message id, until it is stored once', async () => {
    const t = await setup(2, () => new RequestTimeoutError('x', 1));
    expect(await t.publisher.publish(t.topology.subjects.agentMessage, new Uint8Array([1]), 'm-1')).toBe(true);
    expect(t.attempts()).toBe(3);
    expect(t.stored).toHaveLength(1);
    expect(await t.errors('bus_publish_retried')).toBe(2);
    expect(await t.errors('bus_publish_failed')).toBe(0);
    expect(t.publisher.inFlight).toBe(0);
    await t.bus.close();
  });

  it('gives up after its retries, and never retries a failure that cannot pass', async () => {
    const slow = await setup(10, () => new RequestTimeoutError('x', 1));
    // The caller learns it was not stored (a liveness batch then goes back into its pending set).
    expect(await slow.publisher.publish(slow.topology.subjects.agentMessage, new Uint8Array([1]), 'm-2')).toBe(false);
    expect(slow.attempts()).toBe(4);
    expect(await slow.errors('bus_publish_failed')).toBe(1);
    await slow.bus.close();

    const bad = await setup(10, () => new InvalidSubjectError('bad subject'));
    expect(await bad.publisher.publish(bad.topology.subjects.agentMessage, new Uint8Array([1]), 'm-3')).toBe(false);
    expect(bad.attempts()).toBe(1);
    expect(await bad.errors('bus_publish_retried')).toBe(0);
    expect(await bad.errors('bus_publish_failed')).toBe(1);
    await bad.bus.close();
  });
});
