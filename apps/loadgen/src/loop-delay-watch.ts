import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * This process's event-loop delay (garbage collection, a busy CPU). A load generator that reads a
 * reply late reports it as slow, so its own delay tells a latency spike of the generator from one
 * of the server. Reads the largest delay since the previous read, and keeps the largest over the
 * measured window, which opens `windowFromMs` (epoch ms) from now on.
 */
export class LoopDelayWatch {
  readonly #histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  readonly #windowOpens: NodeJS.Timeout;
  #windowMaxMs = 0;

  constructor(private readonly windowFromMs: number) {
    this.#histogram.enable();
    // What happened before the window opened stays out of it.
    this.#windowOpens = setTimeout(() => this.#histogram.reset(), Math.max(0, windowFromMs - Date.now()));
    this.#windowOpens.unref();
  }

  /** The largest delay (ms) since the previous call (or the start); starts a new interval. */
  takeMaxMs(): number {
    const max = this.#histogram.count === 0 ? 0 : this.#histogram.max / 1e6;
    this.#histogram.reset();
    if (Date.now() >= this.windowFromMs) this.#windowMaxMs = Math.max(this.#windowMaxMs, max);
    return +max.toFixed(1);
  }

  /** The largest delay (ms) of the measured window, up to the last {@link takeMaxMs}. */
  get windowMaxMs(): number {
    return +this.#windowMaxMs.toFixed(1);
  }

  /** Stops measuring. */
  close(): void {
    clearTimeout(this.#windowOpens);
    this.#histogram.disable();
  }
}
