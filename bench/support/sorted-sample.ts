/** Percentiles of a sample, nearest-rank: the value at rank ceil(p/100 × n). */
export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

// Integer arithmetic (p × n, then one division) so a rank that is a whole number comes out exact
// and downsampleSorted picks the very same element for its quantile grid.
const rankIndex = (numerator: number, denominator: number, n: number): number => Math.min(n - 1, Math.max(0, Math.ceil((numerator * n) / denominator) - 1));

/** Nearest-rank percentiles of `sorted` (ascending); all 0 when it is empty. */
export function percentilesOfSorted(sorted: readonly number[]): Percentiles {
  const at = (p: number): number => sorted[rankIndex(p, 100, sorted.length)] ?? 0;
  return { p50: at(50), p95: at(95), p99: at(99), max: sorted.at(-1) ?? 0 };
}

/**
 * At most `maxPoints` values of `sorted` (ascending) for a CDF: element i stands for the
 * fraction (i + 1) / result.length of the sample. With more values than that it keeps the
 * nearest-rank quantiles k / maxPoints for k = 1..maxPoints, so with `maxPoints` a multiple of
 * 100 the result holds the exact p99 (k = 0.99 × maxPoints) and the exact maximum (the last).
 * @throws RangeError when `maxPoints` is not a positive integer.
 */
export function downsampleSorted(sorted: readonly number[], maxPoints = 1_000): number[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 1) throw new RangeError(`maxPoints must be a positive integer, got ${maxPoints}`);
  if (sorted.length <= maxPoints) return [...sorted];
  return Array.from({ length: maxPoints }, (_, i) => sorted[rankIndex(i + 1, maxPoints, sorted.length)]!);
}
