import { type BusConsumer, type BusMessage, type EventBus, type Topology, ensureTopology } from '@shepherd/bus';
import type { OwnershipStore } from '@shepherd/ownership';
import type { Registry } from '@shepherd/runtime';
import type { SqlStore } from '@shepherd/store';
import { agentEventHandler } from './agent-event-handler.js';
import { decodeConfigChangedEvent } from './config-changed-event.js';
import { createConfigVersionCache } from './config-versions.js';
import { ConfigServiceOptionsError } from './errors.js';
import { fanOut } from './fanout.js';
import { FanoutPriority } from './fanout-priority.js';
import { createInventoryRepository } from './inventory-repository.js';
import { createLivenessWriter } from './liveness-writer.js';
import type { SigningKey } from '@shepherd/config-signing';
import { ReconcileMemo } from './reconcile-memo.js';
import { createReconciler, type Reconciler } from './reconciler.js';
import { type ServiceLogger, errorFields } from './service-logger.js';
import { createServiceMetrics, type ServiceMetrics } from './service-metrics.js';

/** Options of {@link startConfigService}. */
export interface ConfigServiceOptions {
  readonly bus: EventBus;
  readonly store: SqlStore;
  readonly ownership: OwnershipStore;
  readonly topology: Topology;
  readonly logger: ServiceLogger;
  /** Registry for the service's counters; none when absent. */
  readonly metrics?: Registry;
  /** CONFIG_RESEND_AFTER_MS: an unconfirmed offer of the same hash is repeated after this long (1..86 400 000). */
  readonly resendAfterMs: number;
  /** CONFIG_FANOUT_BATCH: agents reconciled per batch after a config change (1..100 000). */
  readonly fanoutBatch: number;
  /** CONFIG_MAX_IN_FLIGHT: agent events handled at once in this process (default 64, 1..1024); their statements are batched. */
  readonly maxInFlight?: number;
  /** Agents whose last written inventory state is cached (default 200 000). */
  readonly inventoryCacheSize?: number;
  /** CONFIG_LAST_SEEN_INTERVAL_MS: an unchanged agent's `last_seen_at` is written at most this often (default 30 000). */
  readonly lastSeenIntervalMs?: number;
  /** Batched liveness writes are flushed this often (default 5 000 ms). */
  readonly livenessFlushIntervalMs?: number;
  /** Most agents with a liveness write pending; beyond it the oldest are dropped (default 50 000). */
  readonly livenessMaxPending?: number;
  /**
   * CONFIG_HEAL_INTERVAL_MS: a report that cannot change an agent's decision is answered from
   * memory when the agent's view was read less than this long ago and no config change was
   * handled since (default 300 000; 0 reads the store on every report). Bounds how long a change
   * this process did not see (another replica's, or one whose event was lost) goes unnoticed.
   */
  readonly healIntervalMs?: number;
  /**
   * While a config change fans out, at most this many agent events are handled at once, so the
   * offers go out first (default 16, 1..1024).
   */
  readonly fanoutEventConcurrency?: number;
  /** A fan-out logs `config change fanning out` with its counts this often (default 5 000 ms; 0 after every batch). */
  readonly fanoutProgressIntervalMs?: number;
  /** Wall clock in ms (default `Date.now`); tests move it to cross the resend window. */
  readonly now?: () => number;
  /** Signs every offered config (docs/config-signing.md); unsigned when absent. */
  readonly signingKey?: SigningKey;
}

/** A running config service. */
export interface ConfigService {
  /**
   * Stops both consumers after the handlers in flight finished (their acks are sent), then
   * writes the pending liveness updates. Idempotent.
   */
  stop(): Promise<void>;
}

/**
 * Starts the config service: ensures the streams, then runs the durable consumer
 * `topology.consumers['config-service']` over agent events and
 * `topology.configConsumers['config-service']` over config-changed events.
 *
 * Agent events of one agent are handled one at a time in arrival order; a message that cannot be
 * decoded is logged and acked (never redelivered); any other failure naks it for redelivery.
 * Each message updates the inventory (writing only what changed), records RemoteConfigStatus
 * per agent and hash, and offers the target config to the owning gateway when needed (deciding
 * from a memo of the agent's view while it is valid, see `healIntervalMs`, else from the store). Each
 * config-changed event reconciles the matching online agents in batches of `fanoutBatch`.
 * @throws ConfigServiceOptionsError for out-of-range options; bus errors from creating the
 *   streams or consumers propagate
 */
export async function startConfigService(options: ConfigServiceOptions): Promise<ConfigService> {
  const settings = validate(options);
  const { bus, store, topology, logger } = options;
  const metrics = createServiceMetrics(options.metrics);
  const now = options.now ?? Date.now;
  const liveness = createLivenessWriter({
    store,
    logger,
    metrics,
    flushIntervalMs: options.livenessFlushIntervalMs,
    maxPending: options.livenessMaxPending,
  });
  const inventory = createInventoryRepository({
    store,
    cacheSize: options.inventoryCacheSize,
    lastSeenIntervalMs: settings.lastSeenIntervalMs,
    liveness,
    now,
  });
  const reconciler = createReconciler({
    store,
    bus,
    ownership: options.ownership,
    topology,
    logger,
    versions: createConfigVersionCache(store),
    resendAfterMs: settings.resendAfterMs,
    now,
    metrics,
    signingKey: options.signingKey,
    memo: new ReconcileMemo({ maxEntries: options.inventoryCacheSize ?? 200_000, maxAgeMs: settings.healIntervalMs, now }),
  });
  const priority = new FanoutPriority(settings.fanoutEventConcurrency);
  const handle = agentEventHandler({ topology, logger, metrics, inventory, reconciler, now, priority });
  const consumers: BusConsumer[] = [];
  try {
    await ensureTopology(bus, topology);
    consumers.push(await bus.consume({ ...topology.consumers['config-service'], maxInFlight: settings.maxInFlight }, handle));
    const onConfigChanged = configEventHandler({ store, logger, metrics, reconciler, priority, ...settings });
    consumers.push(await bus.consume({ ...topology.configConsumers['config-service'], maxInFlight: 1 }, onConfigChanged));
  } catch (err) {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await liveness.stop();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return Object.freeze({
    stop(): Promise<void> {
      stopping ??= Promise.all(consumers.map((consumer) => consumer.stop())).then(() => liveness.stop());
      return stopping;
    },
  });
}

function configEventHandler(deps: {
  readonly store: SqlStore;
  readonly logger: ServiceLogger;
  readonly metrics: ServiceMetrics;
  readonly reconciler: Reconciler;
  readonly fanoutBatch: number;
  readonly fanoutProgressIntervalMs: number;
  readonly priority: FanoutPriority;
}): (msg: BusMessage) => Promise<void> {
  return async (msg: BusMessage): Promise<void> => {
    let event;
    try {
      event = decodeConfigChangedEvent(msg.data);
    } catch (err) {
      deps.metrics.malformed('config-event');
      deps.logger.warn({ ...errorFields(err), subject: msg.subject, streamSequence: msg.streamSequence }, 'malformed config event acked without processing');
      return;
    }
    deps.reconciler.configChanged();
    const started = performance.now();
    const end = deps.priority.begin();
    let result;
    try {
      const report = (soFar: object): void =>
        deps.logger.info({ assignmentId: event.assignmentId, configHash: event.configHash, ...soFar, elapsedMs: Math.round(performance.now() - started) }, 'config change fanning out');
      result = await fanOut(deps.store, deps.reconciler, event, deps.fanoutBatch, { everyMs: deps.fanoutProgressIntervalMs, report });
    } finally {
      end();
    }
    const durationMs = Math.round(performance.now() - started);
    deps.logger.info({ assignmentId: event.assignmentId, configHash: event.configHash, ...result, durationMs }, 'config change reconciled');
  };
}

interface Settings {
  readonly resendAfterMs: number;
  readonly fanoutBatch: number;
  readonly maxInFlight: number;
  readonly lastSeenIntervalMs: number;
  readonly healIntervalMs: number;
  readonly fanoutEventConcurrency: number;
  readonly fanoutProgressIntervalMs: number;
}

function validate(options: ConfigServiceOptions): Settings {
  const int = (name: string, value: unknown, min: number, max: number): number => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new ConfigServiceOptionsError(`${name} must be an integer in ${min}..${max}, got ${String(value)}`);
    }
    return value;
  };
  for (const name of ['bus', 'store', 'ownership', 'topology', 'logger'] as const) {
    if (options[name] === undefined || options[name] === null) throw new ConfigServiceOptionsError(`${name} is required`);
  }
  return Object.freeze({
    resendAfterMs: int('resendAfterMs', options.resendAfterMs, 1, 86_400_000),
    fanoutBatch: int('fanoutBatch', options.fanoutBatch, 1, 100_000),
    maxInFlight: int('maxInFlight', options.maxInFlight ?? 64, 1, 1024),
    lastSeenIntervalMs: int('lastSeenIntervalMs', options.lastSeenIntervalMs ?? 30_000, 0, 86_400_000),
    healIntervalMs: int('healIntervalMs', options.healIntervalMs ?? 300_000, 0, 86_400_000),
    fanoutEventConcurrency: int('fanoutEventConcurrency', options.fanoutEventConcurrency ?? 16, 1, 1024),
    fanoutProgressIntervalMs: int('fanoutProgressIntervalMs', options.fanoutProgressIntervalMs ?? 5_000, 0, 3_600_000),
  });
}
