import { createRequire } from 'node:module';
import pidusage from 'pidusage';

/** One family as parse-prometheus-text-format returns it (values are strings). */
interface MetricFamily {
  readonly name: string;
  readonly type: string;
  readonly metrics: readonly { readonly value?: string; readonly count?: string; readonly sum?: string }[];
}

// A CommonJS package without types; loaded through require so the declared shape stays local.
const parsePrometheusText = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => MetricFamily[];

/** Most collector metrics kept from one scrape (the rest are dropped). */
export const MAX_COLLECTOR_METRICS = 100;
/** A metrics page larger than this is not parsed. */
const MAX_METRICS_CHARS = 2 * 1024 * 1024;

/** CPU and memory of a process, named as seed 5.1 names them. */
export interface ProcessUsage {
  /** Percent of one core since the previous sample (can exceed 100 on several cores). */
  readonly cpu_usage_percent: number;
  /** Resident set size in bytes. */
  readonly memory_usage_bytes: number;
}

/** CPU % and RSS of `pid`; undefined when the process is gone or cannot be read. */
export async function sampleProcessUsage(pid: number): Promise<ProcessUsage | undefined> {
  try {
    const stat = await pidusage(pid);
    return { cpu_usage_percent: Math.round(stat.cpu * 100) / 100, memory_usage_bytes: stat.memory };
  } catch {
    return undefined;
  }
}

/** Forgets the CPU history kept between samples (after the collector stopped). */
export function forgetProcessUsage(): void {
  pidusage.clear();
}

/**
 * Scrapes the collector's own Prometheus metrics and flattens them into name → number: counters,
 * gauges and untyped series summed over their labels (`otelcol_exporter_sent_spans` over every
 * exporter), histograms and summaries as `<name>_count` and `<name>_sum`. At most
 * {@link MAX_COLLECTOR_METRICS} entries. Never throws: an unreachable page gives `{}`.
 */
export async function scrapeCollectorMetrics(url: string, timeoutMs: number): Promise<Record<string, number>> {
  let text: string;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return {};
    text = await response.text();
  } catch {
    return {};
  }
  if (text.length > MAX_METRICS_CHARS) return {};
  let families: MetricFamily[];
  try {
    families = parsePrometheusText(text);
  } catch {
    return {};
  }
  return flatten(families);
}

function flatten(families: readonly MetricFamily[]): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (name: string, value: string | undefined): void => {
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n)) return;
    if (!(name in out) && Object.keys(out).length >= MAX_COLLECTOR_METRICS) return;
    out[name] = (out[name] ?? 0) + n;
  };
  for (const family of families) {
    for (const sample of family.metrics) {
      if (family.type === 'HISTOGRAM' || family.type === 'SUMMARY') {
        add(`${family.name}_count`, sample.count);
        add(`${family.name}_sum`, sample.sum);
      } else {
        add(family.name, sample.value);
      }
    }
  }
  return out;
}
