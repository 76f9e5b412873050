import type { CollectorHealth } from './collector-port.js';
import type { HealthObservation } from './health-probe.js';

/** The collector's state as health reports it (`CollectorHealth.status`). */
export type CollectorStatus = 'starting' | 'running' | 'unhealthy' | 'restarting' | 'crash-loop' | 'stopped';

const nowUnixNano = (): bigint => BigInt(Date.now()) * 1_000_000n;

/**
 * The collector's health as the supervisor knows it, built from process events and health
 * probes. Listeners hear about changes of `healthy`, `status` or `lastError` (with a new
 * `statusTimeUnixNano`), not about new metric samples, which ride along in the next snapshot.
 */
export class HealthTracker {
  readonly #startupGraceMs: number;
  #healthy = false;
  #status: CollectorStatus = 'stopped';
  #lastError = '';
  #startedAt = 0n;
  #statusTime = nowUnixNano();
  #metrics: Readonly<Record<string, number>> = Object.freeze({});
  readonly #listeners = new Set<(health: CollectorHealth) => void>();

  /** @param startupGraceMs how long a starting collector may fail probes and still count as `starting` */
  constructor(startupGraceMs: number) {
    this.#startupGraceMs = startupGraceMs;
  }

  snapshot(): CollectorHealth {
    return Object.freeze({
      healthy: this.#healthy,
      status: this.#status,
      lastError: this.#lastError,
      startedAtUnixNano: this.#startedAt,
      statusTimeUnixNano: this.#statusTime,
      metrics: this.#metrics,
    });
  }

  get status(): CollectorStatus {
    return this.#status;
  }

  onChange(listener: (health: CollectorHealth) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  processStarted(startedAtUnixNano: bigint): void {
    this.#startedAt = startedAtUnixNano;
    this.#set(false, 'starting', '');
  }

  /** The process exited on its own; `restarting` false means the supervisor gave up on it. */
  processCrashed(reason: string, restarting: boolean): void {
    this.#set(false, restarting ? 'restarting' : 'crash-loop', reason);
  }

  processStopped(): void {
    this.#set(false, 'stopped', '');
  }

  /** A probe result for the running process; undefined means it has no health endpoint to ask. */
  observed(observation: HealthObservation | undefined): void {
    if (observation === undefined || observation.healthy) {
      this.#set(true, 'running', '');
      return;
    }
    const startingFor = Number((nowUnixNano() - this.#startedAt) / 1_000_000n);
    if (this.#status === 'starting' && startingFor < this.#startupGraceMs) return;
    this.#set(false, 'unhealthy', observation.error);
  }

  setMetrics(metrics: Readonly<Record<string, number>>): void {
    this.#metrics = Object.freeze({ ...metrics });
  }

  #set(healthy: boolean, status: CollectorStatus, lastError: string): void {
    if (healthy === this.#healthy && status === this.#status && lastError === this.#lastError) return;
    this.#healthy = healthy;
    this.#status = status;
    this.#lastError = lastError;
    this.#statusTime = nowUnixNano();
    const snapshot = this.snapshot();
    for (const listener of [...this.#listeners]) {
      try {
        listener(snapshot);
      } catch {
        // A failing listener must not stop the others nor the supervisor.
      }
    }
  }
}
