import { parse } from 'yaml';

/** Where the collector serves its health and its own metrics, as far as its config tells. */
export interface CollectorEndpoints {
  readonly healthUrl?: string;
  readonly metricsUrl?: string;
}

/** The real collector's health_check default endpoint. */
const DEFAULT_HEALTH_ENDPOINT = 'localhost:13133';

/**
 * Reads the endpoints from a collector config: the health URL from `extensions.health_check`
 * when `service.extensions` enables it (`endpoint`, default `localhost:13133`, and `path`,
 * default `/`), the metrics URL from `service.telemetry.metrics` (`address`, or a pull
 * Prometheus reader's `host`/`port`). Wildcard hosts are probed on loopback. Values that use
 * config expansion (`${env:...}`) cannot be known here and are left out; never throws.
 */
export function endpointsFromConfig(configText: string): CollectorEndpoints {
  let doc: unknown;
  try {
    doc = parse(configText);
  } catch {
    return {};
  }
  const healthUrl = healthUrlOf(doc);
  const metricsUrl = metricsUrlOf(doc);
  return { ...(healthUrl === undefined ? {} : { healthUrl }), ...(metricsUrl === undefined ? {} : { metricsUrl }) };
}

function healthUrlOf(doc: unknown): string | undefined {
  const enabled = at(doc, 'service', 'extensions');
  if (!Array.isArray(enabled) || !enabled.includes('health_check')) return undefined;
  const ext = at(doc, 'extensions', 'health_check');
  const endpoint = at(ext, 'endpoint') ?? DEFAULT_HEALTH_ENDPOINT;
  const path = at(ext, 'path') ?? '/';
  if (typeof endpoint !== 'string' || typeof path !== 'string') return undefined;
  return urlOf(endpoint, path.startsWith('/') ? path : `/${path}`);
}

function metricsUrlOf(doc: unknown): string | undefined {
  const metrics = at(doc, 'service', 'telemetry', 'metrics');
  const address = at(metrics, 'address');
  if (typeof address === 'string') return urlOf(address, '/metrics');
  const readers = at(metrics, 'readers');
  if (!Array.isArray(readers)) return undefined;
  for (const reader of readers) {
    const prometheus = at(reader, 'pull', 'exporter', 'prometheus');
    const host = at(prometheus, 'host') ?? 'localhost';
    const port = at(prometheus, 'port');
    if (typeof host === 'string' && (typeof port === 'number' || typeof port === 'string')) return urlOf(`${host}:${port}`, '/metrics');
  }
  return undefined;
}

function urlOf(endpoint: string, path: string): string | undefined {
  if (endpoint.includes('${')) return undefined;
  const colon = endpoint.lastIndexOf(':');
  if (colon < 0) return undefined;
  let host = endpoint.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(endpoint.slice(colon + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) return undefined;
  if (host === '' || host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
}

function at(value: unknown, ...keys: string[]): unknown {
  let v = value;
  for (const key of keys) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}
