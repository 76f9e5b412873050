import { toLong, type opamp } from '@shepherd/proto';
import type { CollectorHealth } from './collector-port.js';

/**
 * What each seed 5.1 metric name of `opamp.health.metrics` selects among the
 * measured values (see `CollectorHealth.metrics`). A name not listed here
 * selects the values named exactly so or starting with `<name>_`, so any
 * collector metric (`otelcol_process_uptime`) can be asked for by name.
 */
const ALIASES: Readonly<Record<string, readonly RegExp[]>> = {
  cpu_usage: [/^cpu_usage_percent$/],
  memory_usage: [/^memory_usage_bytes$/, /^otelcol_process_memory_rss(_bytes)?$/],
  spans_rate: [/^otelcol_(receiver_(accepted|refused)|exporter_(sent|send_failed)|processor_(dropped|incoming|outgoing))_spans(_total)?$/],
  export_latency: [/^otelcol_exporter_.*(latency|duration).*_(sum|count)$/],
  queue_size: [/^otelcol_exporter_queue_(size|capacity)$/],
};

/** The measured values the configured names select, in name order. */
export function selectMetrics(metrics: Readonly<Record<string, number>>, names: readonly string[]): [string, number][] {
  const patterns = names.map((name) => ALIASES[name] ?? [new RegExp(`^${name.replaceAll('.', '\\.')}(_.*)?$`)]);
  return Object.entries(metrics)
    .filter(([key, value]) => Number.isFinite(value) && patterns.some((list) => list.some((p) => p.test(key))))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The agent's ComponentHealth (wire-facts §6.16) from the collector's
 * health: the top level is the supervised collector (for OpAMP the agent
 * *is* the collector it manages), and the selected metrics travel as
 * `attributes` with double values (`cpu_usage_percent`,
 * `memory_usage_bytes`, `otelcol_*`).
 */
export function componentHealthOf(health: CollectorHealth, metricNames: readonly string[]): opamp.IComponentHealth {
  return {
    healthy: health.healthy,
    status: health.status,
    lastError: health.lastError,
    startTimeUnixNano: toLong(health.startedAtUnixNano),
    statusTimeUnixNano: toLong(health.statusTimeUnixNano),
    attributes: selectMetrics(health.metrics, metricNames).map(([key, value]) => ({ key, value: { doubleValue: value } })),
  };
}
