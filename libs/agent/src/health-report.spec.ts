import { toBigInt } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import { componentHealthOf, selectMetrics } from './health-report.js';

const METRICS = {
  cpu_usage_percent: 12.5,
  memory_usage_bytes: 536_870_912,
  otelcol_process_uptime: 42,
  otelcol_exporter_sent_spans: 900,
  otelcol_receiver_accepted_spans: 1000,
  otelcol_exporter_queue_size: 3,
  otelcol_exporter_queue_capacity: 5000,
  otelcol_something_else: 1,
};

describe('selectMetrics', () => {
  it('maps the seed 5.1 names to what was measured, and other names by prefix', () => {
    expect(selectMetrics(METRICS, ['cpu_usage', 'memory_usage'])).toEqual([
      ['cpu_usage_percent', 12.5],
      ['memory_usage_bytes', 536_870_912],
    ]);
    expect(selectMetrics(METRICS, ['spans_rate']).map(([k]) => k)).toEqual(['otelcol_exporter_sent_spans', 'otelcol_receiver_accepted_spans']);
    expect(selectMetrics(METRICS, ['queue_size']).map(([k]) => k)).toEqual(['otelcol_exporter_queue_capacity', 'otelcol_exporter_queue_size']);
    expect(selectMetrics(METRICS, ['otelcol_process']).map(([k]) => k)).toEqual(['otelcol_process_uptime']);
  });

  it('selects nothing for what cannot be measured, and nothing when no metric is configured', () => {
    expect(selectMetrics(METRICS, ['goroutines'])).toEqual([]);
    expect(selectMetrics(METRICS, [])).toEqual([]);
    expect(selectMetrics({ cpu_usage_percent: Number.NaN }, ['cpu_usage'])).toEqual([]);
  });
});

describe('componentHealthOf', () => {
  it('reports the collector health with the selected metrics as double attributes', () => {
    const health = componentHealthOf(
      { healthy: false, status: 'crashed', lastError: 'exit 1', startedAtUnixNano: 5n, statusTimeUnixNano: 7n, metrics: METRICS },
      ['cpu_usage'],
    );
    expect(health).toMatchObject({ healthy: false, status: 'crashed', lastError: 'exit 1', attributes: [{ key: 'cpu_usage_percent', value: { doubleValue: 12.5 } }] });
    expect(toBigInt(health.startTimeUnixNano!)).toBe(5n);
    expect(toBigInt(health.statusTimeUnixNano!)).toBe(7n);
  });
});
