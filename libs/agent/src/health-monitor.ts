import type { CollectorProcess } from './collector-process.js';
import type { HealthTracker } from './collector-health.js';
import { probeHealth } from './health-probe.js';
import { sampleProcessUsage, scrapeCollectorMetrics } from './process-metrics.js';

/** What the monitor watches and how often. */
export interface HealthMonitorOptions {
  readonly current: () => CollectorProcess | undefined;
  readonly tracker: HealthTracker;
  readonly healthUrl: () => string | undefined;
  readonly metricsUrl: () => string | undefined;
  readonly intervalMs: number;
  readonly probeTimeoutMs: number;
}

/** Probe period while the collector is starting, so `running` shows up soon after it is. */
const STARTING_INTERVAL_MS = 250;
/** Without a health endpoint, a process that has run this long counts as up. */
const NO_ENDPOINT_SETTLE_MS = 1_000;

/**
 * Probes the running collector's health endpoint and samples its metrics (CPU %, RSS and the
 * collector's own metrics page) on an interval, feeding the {@link HealthTracker}; faster while
 * it is starting. Remembers which process was seen healthy, so the supervisor only sends
 * SIGHUP to a collector that is up (before its handler exists, SIGHUP would kill it).
 */
export class HealthMonitor {
  readonly #o: HealthMonitorOptions;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #healthyPid = -1;

  constructor(options: HealthMonitorOptions) {
    this.#o = options;
  }

  start(): void {
    this.#running = true;
    this.nudge();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Probes soon (after a start, restart or reload). */
  nudge(): void {
    this.#schedule(0);
  }

  /** True when `proc` was seen up (healthy, or running a while when there is no endpoint). */
  hasBeenUp(proc: CollectorProcess): boolean {
    if (this.#healthyPid === proc.pid) return true;
    return this.#o.healthUrl() === undefined && Date.now() - Number(proc.startedAtUnixNano / 1_000_000n) >= NO_ENDPOINT_SETTLE_MS;
  }

  /** Records that `proc` answered healthy (seen by someone else than the monitor, e.g. an apply). */
  markUp(proc: CollectorProcess): void {
    this.#healthyPid = proc.pid;
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#tick().finally(() => {
        if (this.#timer === undefined) this.#schedule(this.#o.tracker.status === 'starting' ? STARTING_INTERVAL_MS : this.#o.intervalMs);
      });
    }, delayMs);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    const proc = this.#o.current();
    if (proc === undefined) return;
    const url = this.#o.healthUrl();
    const observation = url === undefined ? undefined : await probeHealth(url, this.#o.probeTimeoutMs);
    // The process may have been replaced while the probe was out; its result is stale then.
    if (this.#o.current() !== proc || !this.#running) return;
    if (observation === undefined ? this.hasBeenUp(proc) : observation.healthy) this.#healthyPid = proc.pid;
    if (observation !== undefined || this.hasBeenUp(proc)) this.#o.tracker.observed(observation);
    const metricsUrl = this.#o.metricsUrl();
    const [usage, own] = await Promise.all([
      sampleProcessUsage(proc.pid),
      metricsUrl === undefined ? Promise.resolve({}) : scrapeCollectorMetrics(metricsUrl, this.#o.probeTimeoutMs),
    ]);
    this.#o.tracker.setMetrics({ ...own, ...(usage ?? {}) });
  }
}
