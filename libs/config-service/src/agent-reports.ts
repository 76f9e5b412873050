import { type opamp, RemoteConfigStatuses, toBigInt } from '@shepherd/proto';
import { type StoredConfigFile, toStoredFile } from './config-files.js';
import { hashToHex } from './config-hash.js';

/** The remote-config states of RemoteConfigStatuses, as stored and shown. */
export type RemoteConfigStatusName = 'UNSET' | 'APPLIED' | 'APPLYING' | 'FAILED';

/** Summary of ComponentHealth stored in `agents.health`. */
export interface HealthSummary {
  readonly healthy: boolean;
  readonly status: string;
  readonly lastError: string;
  /** ns since the epoch, as decimal text (uint64 does not fit a JSON number). */
  readonly startTimeUnixNano: string;
  readonly statusTimeUnixNano: string;
  /** First-level components (at most {@link MAX_HEALTH_COMPONENTS}). */
  readonly components: Readonly<Record<string, { readonly healthy: boolean; readonly status: string; readonly lastError: string }>>;
  /**
   * Numeric attributes of the top-level ComponentHealth (field 7): the metrics the agent
   * measured, e.g. `cpu_usage_percent`, `memory_usage_bytes`, `otelcol_*` (docs/agent.md).
   * At most {@link MAX_HEALTH_METRICS}; non-numeric and non-finite values are left out.
   */
  readonly metrics: Readonly<Record<string, number>>;
}

/** EffectiveConfig as stored in `agents.effective_config`. */
export interface EffectiveConfigRecord {
  readonly files: Readonly<Record<string, Omit<StoredConfigFile, 'name'>>>;
}

/** RemoteConfigStatus as stored in `agents.remote_config_status`. */
export interface RemoteConfigStatusRecord {
  /** Hex of last_remote_config_hash; `null` when the agent reported none. */
  readonly lastRemoteConfigHash: string | null;
  readonly status: RemoteConfigStatusName;
  readonly errorMessage: string;
}

/** Most components kept in a health summary. */
export const MAX_HEALTH_COMPONENTS = 64;
/** Most health metrics kept per agent. */
export const MAX_HEALTH_METRICS = 64;
/** Longest metric name kept. */
export const MAX_METRIC_NAME_LENGTH = 128;
/** Longest error message or status text kept. */
export const MAX_MESSAGE_LENGTH = 4096;

/** The stored health summary of a ComponentHealth report. */
export function summarizeHealth(health: opamp.ComponentHealth.$Properties): HealthSummary {
  const components: Record<string, { healthy: boolean; status: string; lastError: string }> = {};
  const names = Object.keys(health.componentHealthMap ?? {}).sort().slice(0, MAX_HEALTH_COMPONENTS);
  for (const name of names) {
    const component = (health.componentHealthMap ?? {})[name] as opamp.ComponentHealth.$Properties;
    components[name] = { healthy: component.healthy === true, status: text(component.status), lastError: text(component.lastError) };
  }
  return {
    healthy: health.healthy === true,
    status: text(health.status),
    lastError: text(health.lastError),
    startTimeUnixNano: health.startTimeUnixNano ? toBigInt(health.startTimeUnixNano).toString() : '0',
    statusTimeUnixNano: health.statusTimeUnixNano ? toBigInt(health.statusTimeUnixNano).toString() : '0',
    components,
    metrics: healthMetrics(health.attributes),
  };
}

function healthMetrics(attributes: opamp.ComponentHealth.$Properties['attributes']): Record<string, number> {
  const metrics: Record<string, number> = {};
  let kept = 0;
  for (const attribute of attributes ?? []) {
    if (kept >= MAX_HEALTH_METRICS) break;
    const key = attribute.key ?? '';
    const value = numericValue(attribute.value);
    if (key === '' || key.length > MAX_METRIC_NAME_LENGTH || value === undefined || Object.prototype.hasOwnProperty.call(metrics, key)) continue;
    metrics[key] = value;
    kept += 1;
  }
  return metrics;
}

function numericValue(value: opamp.AnyValue.$Properties | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const number = typeof value.doubleValue === 'number' ? value.doubleValue : value.intValue != null ? Number(toBigInt(value.intValue)) : undefined;
  return number !== undefined && Number.isFinite(number) ? number : undefined;
}

/** The stored form of an EffectiveConfig report (bodies as UTF-8 text, or base64 when binary). */
export function effectiveConfigRecord(config: opamp.EffectiveConfig.$Properties): EffectiveConfigRecord {
  const files: Record<string, Omit<StoredConfigFile, 'name'>> = {};
  for (const [name, file] of Object.entries(config.configMap?.configMap ?? {})) {
    const stored = toStoredFile({ name, contentType: file.contentType ?? '', body: file.body ?? new Uint8Array() });
    files[name] = { contentType: stored.contentType, body: stored.body, encoding: stored.encoding };
  }
  return { files };
}

/** The stored form of a RemoteConfigStatus report; unknown future states read as UNSET. */
export function remoteConfigStatusRecord(status: opamp.RemoteConfigStatus.$Properties): RemoteConfigStatusRecord {
  return {
    lastRemoteConfigHash: hashToHex(status.lastRemoteConfigHash),
    status: remoteConfigStatusName(status.status),
    errorMessage: text(status.errorMessage),
  };
}

/** Name of a RemoteConfigStatuses value; anything unknown is UNSET. */
export function remoteConfigStatusName(value: number | null | undefined): RemoteConfigStatusName {
  switch (value) {
    case RemoteConfigStatuses.RemoteConfigStatuses_APPLIED:
      return 'APPLIED';
    case RemoteConfigStatuses.RemoteConfigStatuses_APPLYING:
      return 'APPLYING';
    case RemoteConfigStatuses.RemoteConfigStatuses_FAILED:
      return 'FAILED';
    default:
      return 'UNSET';
  }
}

function text(value: string | null | undefined): string {
  return (value ?? '').slice(0, MAX_MESSAGE_LENGTH);
}
