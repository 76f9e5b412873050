import type { Counter } from 'prom-client';

/** A hot path's handle on one labelled series of a counter. */
export interface CounterTally {
  /** Adds `value` (default 1; must be finite and ≥ 0) to the series. */
  inc(value?: number): void;
}

interface Pending {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
}

/** What prom-client calls on every read of a metric; not in its typings for instances. */
type Collectable = Counter & { collect?: (this: Counter) => unknown };

/** Per counter: its tallies by label key. */
const talliesOf = new WeakMap<Counter, Map<string, Pending>>();

function foldInto(counter: Counter, pending: ReadonlyMap<string, Pending>): void {
  for (const p of pending.values()) {
    if (p.value === 0) continue;
    const value = p.value;
    p.value = 0;
    counter.inc(p.labels, value);
  }
}

function pendingOf(counter: Collectable): Map<string, Pending> {
  let pending = talliesOf.get(counter);
  if (pending !== undefined) return pending;
  const created = new Map<string, Pending>();
  talliesOf.set(counter, created);
  const previous = counter.collect;
  counter.collect = function collect(this: Counter) {
    foldInto(counter, created);
    return previous?.call(this);
  };
  pending = created;
  return pending;
}

/**
 * A {@link CounterTally} for the series of `counter` with `labels`: increments are a plain
 * addition, folded into the counter whenever its value is read (a scrape, or `get()`).
 * prom-client builds and validates a label key on every `inc`; a gateway counts several series
 * on every agent message, which made that a few percent of its CPU at 10 000 HTTP polls/s.
 *
 * Nothing is lost: a value not folded yet is folded by the next read, whoever made it. Tallies
 * of the same counter and labels share one pending value (gateways sharing a registry), and the
 * tally chains any `collect` the counter already had.
 * @throws {TypeError} when `labels` names a label the counter does not have.
 */
export function counterTally<L extends string>(counter: Counter<L>, labels: Readonly<Partial<Record<L, string>>>): CounterTally {
  const names = new Set<string>((counter as unknown as { labelNames: readonly string[] }).labelNames);
  const unknown = Object.keys(labels).filter((k) => !names.has(k));
  if (unknown.length > 0) throw new TypeError(`counter tally: ${unknown.join(', ')} is not a label of this counter`);
  const pending = pendingOf(counter as unknown as Collectable);
  const sorted = (Object.entries(labels) as [string, string][]).sort(([a], [b]) => (a < b ? -1 : 1));
  const key = JSON.stringify(sorted);
  let entry = pending.get(key);
  if (entry === undefined) {
    entry = { labels: Object.freeze(Object.fromEntries(sorted)), value: 0 };
    pending.set(key, entry);
  }
  const series = entry;
  return {
    inc(value = 1) {
      // The check prom-client would make at inc time, so a bad value fails where it is made.
      if (!(value >= 0 && value < Infinity)) throw new TypeError(`counter tally: ${String(value)} is not a finite non-negative number`);
      series.value += value;
    },
  };
}
