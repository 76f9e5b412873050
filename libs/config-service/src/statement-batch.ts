import DataLoader from 'dataloader';

/** Most items one batch statement carries (default of {@link StatementBatch}). */
const DEFAULT_MAX_BATCH = 256;

/**
 * Runs concurrent calls of one statement kind as one statement. Calls made while the event loop
 * handles one round of I/O are collected (the batch leaves on `setImmediate`) and passed to
 * `run` together, at most `maxBatch` at a time: agent events handled at once then share their
 * round trips and PostgreSQL's per-statement cost, and a lone call waits one loop turn.
 *
 * Items with the same `keyOf` never share a statement (a batch statement may not touch one row
 * twice): they go to consecutive statements in call order. When a batch statement fails, each
 * of its items is run alone, so one bad item fails only its own call.
 */
export class StatementBatch<I, O> {
  readonly #loader: DataLoader<I, O>;

  /** `run` returns one result per item, in the items' order. */
  constructor(run: (items: readonly I[]) => Promise<readonly O[]>, keyOf: (item: I) => string, maxBatch = DEFAULT_MAX_BATCH) {
    this.#loader = new DataLoader<I, O>((items) => runBatch(items, run, keyOf), {
      cache: false,
      maxBatchSize: maxBatch,
      batchScheduleFn: (flush) => setImmediate(flush),
    });
  }

  /** Runs `item` in the next batch; rejects with the store's error when its statement failed. */
  run(item: I): Promise<O> {
    return this.#loader.load(item);
  }
}

async function runBatch<I, O>(items: readonly I[], run: (items: readonly I[]) => Promise<readonly O[]>, keyOf: (item: I) => string): Promise<(O | Error)[]> {
  const results: (O | Error)[] = [];
  for (const group of uniqueRuns(items, keyOf)) {
    try {
      results.push(...(await run(group)));
    } catch (err) {
      if (group.length === 1) {
        results.push(asError(err));
        continue;
      }
      for (const item of group) results.push(await run([item]).then((r) => r[0] as O, asError));
    }
  }
  return results;
}

/** Splits `items` into consecutive runs in which no key repeats, keeping their order. */
export function uniqueRuns<I>(items: readonly I[], keyOf: (item: I) => string): I[][] {
  const runs: I[][] = [];
  let current: I[] = [];
  let keys = new Set<string>();
  for (const item of items) {
    const key = keyOf(item);
    if (keys.has(key)) {
      runs.push(current);
      current = [];
      keys = new Set();
    }
    current.push(item);
    keys.add(key);
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
