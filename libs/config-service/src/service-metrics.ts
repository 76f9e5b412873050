import { Counter, type Registry } from '@shepherd/runtime';

/** Counters of the config service, registered on the app's registry. */
export interface ServiceMetrics {
  /** Outcome of each reconciliation (offered, up-to-date, recently-offered, ...). */
  reconciled(outcome: string): void;
  /** Messages acked without processing because they could not be decoded. */
  malformed(kind: 'agent-message' | 'connection-event' | 'config-event'): void;
}

/** Metrics that go nowhere, for when no registry is given. */
export const NO_METRICS: ServiceMetrics = Object.freeze({ reconciled: () => undefined, malformed: () => undefined });

/**
 * Registers (or reuses, when already registered on `registry`) the config-service counters:
 * `shepherd_config_reconciliations_total{outcome}` and `shepherd_config_malformed_messages_total{kind}`.
 */
export function createServiceMetrics(registry: Registry | undefined): ServiceMetrics {
  if (registry === undefined) return NO_METRICS;
  const reconciliations = counter(registry, 'shepherd_config_reconciliations_total', 'Reconciliations of one agent by outcome', 'outcome');
  const malformed = counter(
    registry,
    'shepherd_config_malformed_messages_total',
    'Bus messages acked unprocessed because they could not be decoded',
    'kind',
  );
  return Object.freeze({
    reconciled: (outcome: string) => reconciliations.inc({ outcome }),
    malformed: (kind: string) => malformed.inc({ kind }),
  });
}

function counter(registry: Registry, name: string, help: string, label: string): Counter<string> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing as Counter<string>;
  return new Counter({ name, help, labelNames: [label], registers: [registry] });
}
