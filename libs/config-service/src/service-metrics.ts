import { Counter, type Registry } from '@shepherd/runtime';
import type { LivenessMetrics } from './liveness-writer.js';

/** Counters of the config service, registered on the app's registry. */
export interface ServiceMetrics extends LivenessMetrics {
  /** Outcome of each reconciliation (offered, up-to-date, recently-offered, ...). */
  reconciled(outcome: string): void;
  /** Where a report's reconcile view came from: the memo (no store read) or the store. */
  viewRead(source: 'memo' | 'store'): void;
  /**
   * One agent of a gateway's liveness batch: `current` (connected through that gateway, so
   * reconciled), `deferred` (likewise, but a fan-out was running: recorded only), `elsewhere`
   * (the agent moved or went offline since), `unknown` (no inventory row yet).
   */
  livenessSeen(outcome: 'current' | 'deferred' | 'elsewhere' | 'unknown'): void;
  /** Messages acked without processing because they could not be decoded. */
  malformed(kind: 'agent-message' | 'connection-event' | 'liveness-batch' | 'config-event'): void;
}

/** Metrics that go nowhere, for when no registry is given. */
export const NO_METRICS: ServiceMetrics = Object.freeze({
  reconciled: () => undefined,
  viewRead: () => undefined,
  livenessSeen: () => undefined,
  malformed: () => undefined,
  liveness: () => undefined,
  livenessFlush: () => undefined,
});

/**
 * Registers (or reuses, when already registered on `registry`) the config-service counters:
 * `shepherd_config_reconciliations_total{outcome}`, `shepherd_config_reconcile_views_total{source}`
 * (memo, store), `shepherd_config_liveness_seen_total{outcome}` (current, deferred, elsewhere, unknown),
 * `shepherd_config_malformed_messages_total{kind}`,
 * `shepherd_config_liveness_updates_total{outcome}` (queued, coalesced, written, dropped) and
 * `shepherd_config_liveness_flushes_total{outcome}` (ok, failed).
 */
export function createServiceMetrics(registry: Registry | undefined): ServiceMetrics {
  if (registry === undefined) return NO_METRICS;
  const reconciliations = counter(registry, 'shepherd_config_reconciliations_total', 'Reconciliations of one agent by outcome', 'outcome');
  const views = counter(registry, 'shepherd_config_reconcile_views_total', "Reconcile views of reporting agents by source (memo: no store read)", 'source');
  const seen = counter(registry, 'shepherd_config_liveness_seen_total', "Agents of gateways' liveness batches by outcome", 'outcome');
  const malformed = counter(
    registry,
    'shepherd_config_malformed_messages_total',
    'Bus messages acked unprocessed because they could not be decoded',
    'kind',
  );
  const liveness = counter(registry, 'shepherd_config_liveness_updates_total', 'Batched liveness (last-seen) updates by outcome', 'outcome');
  const flushes = counter(registry, 'shepherd_config_liveness_flushes_total', 'Flushes of batched liveness updates by outcome', 'outcome');
  return Object.freeze({
    reconciled: (outcome: string) => reconciliations.inc({ outcome }),
    viewRead: (source: string) => views.inc({ source }),
    livenessSeen: (outcome: string) => seen.inc({ outcome }),
    malformed: (kind: string) => malformed.inc({ kind }),
    liveness: (outcome: string, count = 1) => liveness.inc({ outcome }, count),
    livenessFlush: (outcome: string) => flushes.inc({ outcome }),
  });
}

function counter(registry: Registry, name: string, help: string, label: string): Counter<string> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing as Counter<string>;
  return new Counter({ name, help, labelNames: [label], registers: [registry] });
}
