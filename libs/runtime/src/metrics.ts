import { collectDefaultMetrics, Registry } from 'prom-client';
import { RuntimeOptionsError } from './errors.js';

// Apps build their metrics from these so that prom-client stays an implementation detail of this lib.
export { Counter, Gauge, Histogram, Summary, Registry } from 'prom-client';
export type {
  CounterConfiguration,
  GaugeConfiguration,
  HistogramConfiguration,
  SummaryConfiguration,
  LabelValues,
} from 'prom-client';

/** Options of {@link createMetricsRegistry}. */
export interface MetricsRegistryOptions {
  /** Prefix of the default process metrics' names, e.g. `shepherd_gateway_`. */
  readonly prefix?: string;
  /** Labels added to every metric of the registry, e.g. `{ service: 'gateway' }`. */
  readonly defaultLabels?: Readonly<Record<string, string>>;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function validate(options: MetricsRegistryOptions): void {
  if (options.prefix !== undefined && options.prefix !== '' && !METRIC_NAME.test(options.prefix)) {
    throw new RuntimeOptionsError(`createMetricsRegistry: prefix ${JSON.stringify(options.prefix)} is not a valid metric name prefix`);
  }
  for (const label of Object.keys(options.defaultLabels ?? {})) {
    if (!LABEL_NAME.test(label) || label.startsWith('__')) {
      throw new RuntimeOptionsError(`createMetricsRegistry: ${JSON.stringify(label)} is not a valid label name`);
    }
  }
}

/**
 * Creates a new Prometheus registry (never the global one) with the default
 * process metrics (CPU, memory, event loop lag, GC, ...) registered, named
 * with `prefix`, and `defaultLabels` on every metric. Register app metrics on
 * it with `registers: [registry]`.
 *
 * @throws {RuntimeOptionsError} when the prefix or a label name is invalid.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): Registry {
  validate(options);
  const registry = new Registry();
  if (options.defaultLabels !== undefined) registry.setDefaultLabels({ ...options.defaultLabels });
  collectDefaultMetrics({ register: registry, prefix: options.prefix ?? '' });
  return registry;
}
