/** A running sampler; see {@link startSampler}. */
export interface Sampler<T> {
  /**
   * Stops after the sample in progress (if any), takes one last sample so the series ends at
   * the moment it was stopped, and resolves with every sample, oldest first. Later calls
   * resolve with the same samples.
   */
  stop(): Promise<T[]>;
}

/**
 * Calls `sample(t)` at once and then about every `periodMs`, `t` being seconds since `t0`
 * (epoch ms) rounded to 0.1 s. Calls never overlap: a slow sample delays the next one rather
 * than piling up, so a sample that queries the store runs at most once per period however
 * loaded the machine is. A sample that throws is skipped (the benchmark's own checks report
 * failures; a missing point only thins a plot).
 */
export function startSampler<T>(sample: (t: number) => Promise<T> | T, periodMs = 1_000, t0 = Date.now()): Sampler<T> {
  const samples: T[] = [];
  let stopped = false;
  let wake: (() => void) | undefined;
  const take = async (): Promise<void> => {
    try {
      samples.push(await sample(+((Date.now() - t0) / 1000).toFixed(1)));
    } catch {
      // Skipped on purpose, see above.
    }
  };
  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      await take();
      const wait = Math.max(0, periodMs - (Date.now() - started));
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, wait).unref();
      });
    }
  })();
  let result: Promise<T[]> | undefined;
  return {
    stop() {
      result ??= (async () => {
        stopped = true;
        wake?.();
        await loop;
        await take();
        return samples;
      })();
      return result;
    },
  };
}
