import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RuntimeOptionsError } from './errors.js';
import { Counter, createMetricsRegistry } from './metrics.js';

describe('createMetricsRegistry', () => {
  it('collects the default process metrics on a new registry, not the global one', async () => {
    const registry = createMetricsRegistry();
    expect(registry).not.toBe(globalRegistry);
    const text = await registry.metrics();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(await globalRegistry.metrics()).not.toContain('process_cpu_user_seconds_total');
  });

  it('prefixes default metrics and labels every metric', async () => {
    const registry = createMetricsRegistry({ prefix: 'shepherd_', defaultLabels: { service: 'gateway' } });
    const counter = new Counter({ name: 'agents_connected_total', help: 'Agents connected', registers: [registry] });
    counter.inc(2);
    const text = await registry.metrics();
    expect(text).toContain('shepherd_process_cpu_user_seconds_total{service="gateway"}');
    expect(text).toContain('agents_connected_total{service="gateway"} 2');
  });

  it('keeps registries independent, so many can exist side by side', async () => {
    const a = createMetricsRegistry();
    const b = createMetricsRegistry();
    new Counter({ name: 'only_in_a', help: 'a', registers: [a] }).inc();
    expect(await a.metrics()).toContain('only_in_a 1');
    expect(await b.metrics()).not.toContain('only_in_a');
  });

  it('rejects an invalid prefix or label name', () => {
    expect(() => createMetricsRegistry({ prefix: 'bad-prefix' })).toThrow(RuntimeOptionsError);
    expect(() => createMetricsRegistry({ defaultLabels: { 'bad label': 'x' } })).toThrow(RuntimeOptionsError);
    expect(() => createMetricsRegistry({ defaultLabels: { __reserved: 'x' } })).toThrow(RuntimeOptionsError);
  });
});
