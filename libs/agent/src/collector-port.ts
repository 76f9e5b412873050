/**
 * The port between the OpAMP side of the agent and collector supervision. The OpAMP side only
 * talks to a {@link CollectorPort}; `createCollectorSupervisor` is the production implementation.
 */

import type { ConfigFile } from '@shepherd/agent-transport';

export type { ConfigFile };

/** Result of applying a remote config. */
export interface ApplyOutcome {
  readonly status: 'APPLIED' | 'FAILED';
  /** Why it failed (signature, validation, collector rejected, health timeout). */
  readonly errorMessage?: string;
}

/** What the OpAMP side needs from collector supervision. */
export interface CollectorPort {
  /** Starts the collector on the last good local config (or the initial local config). */
  start(): Promise<void>;
  /** Verifies, validates, backs up, writes atomically, reloads or restarts, health-checks, rolls back on failure. */
  applyRemoteConfig(
    files: readonly ConfigFile[],
    hash: Uint8Array,
    onApplying: () => void,
  ): Promise<ApplyOutcome>;
  /** The config the collector runs now (for EffectiveConfig). */
  effectiveConfig(): readonly ConfigFile[];
  /** Hash of the last remote config applied successfully (persisted on disk), if any. */
  appliedHash(): Uint8Array | undefined;
  restart(): Promise<void>;
  /** Current health tree (maps to ComponentHealth) and a change listener. */
  health(): CollectorHealth;
  onHealthChange(listener: (health: CollectorHealth) => void): () => void;
  stop(): Promise<void>;
}

/** Health of the supervised collector. */
export interface CollectorHealth {
  readonly healthy: boolean;
  readonly status: string;
  readonly lastError: string;
  readonly startedAtUnixNano: bigint;
  readonly statusTimeUnixNano: bigint;
  /**
   * seed 5.1 metrics the agent measured: `cpu_usage_percent` and `memory_usage_bytes` of the
   * collector process, plus the collector's own metrics by Prometheus name (`otelcol_*`, summed
   * over labels; histograms as `<name>_count`/`<name>_sum`); at most 100 + 2 entries.
   */
  readonly metrics: Readonly<Record<string, number>>;
}
