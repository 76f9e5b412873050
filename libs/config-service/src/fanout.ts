import type { SqlExecutor } from '@shepherd/store';
import type { ConfigChangedEvent } from './config-changed-event.js';
import { loadOnlineBatch } from './config-state-repository.js';
import type { Reconciler } from './reconciler.js';

/** Totals of one fan-out. */
export interface FanoutResult {
  /** Online agents the selector matched. */
  readonly agents: number;
  /** Offers sent. */
  readonly offered: number;
  readonly batches: number;
  /** Time spent waiting for the batch reads, in ms (they follow one another). */
  readonly readMs: number;
  /** Time the reads waited for a batch in flight to finish, in ms. */
  readonly blockedMs: number;
}

/** Batches being reconciled at once (owner lookups, sends and offer writes overlap the next read). */
export const FANOUT_BATCHES_IN_FLIGHT = 4;

/**
 * Reconciles every online agent of the event's tenant that its selector matches (only the
 * event's agent when it names one), `batchSize` agents at a time: keyset pagination by instance
 * uid, so each batch is one indexed read, one owner lookup and one offer-recording write. The
 * reads follow one another; up to {@link FANOUT_BATCHES_IN_FLIGHT} batches are reconciled
 * meanwhile, because a batch mostly waits on the store and the ownership store, so memory stays
 * bounded by that many batches. Store, ownership and bus errors propagate once the batches in
 * flight settled: the event is then redelivered, and agents already offered within the resend
 * window are skipped on the retry.
 */
export async function fanOut(store: SqlExecutor, reconciler: Reconciler, event: ConfigChangedEvent, batchSize: number): Promise<FanoutResult> {
  const target = event.instanceUid === undefined ? { selector: event.selector } : { instanceUid: event.instanceUid };
  const running = new Set<Promise<void>>();
  const failures: unknown[] = [];
  let after: string | null = null;
  let agents = 0;
  let offered = 0;
  let batches = 0;
  let readMs = 0;
  let blockedMs = 0;
  try {
    while (failures.length === 0) {
      const readStarted = performance.now();
      const batch = await reconciler.readBatch(() => loadOnlineBatch(store, event.tenantId, target, after, batchSize));
      readMs += performance.now() - readStarted;
      if (batch.views.length === 0) break;
      agents += batch.views.length;
      batches += 1;
      const work: Promise<void> = batch
        .reconcile()
        .then(
          (outcomes) => void (offered += outcomes.filter((outcome) => outcome === 'offered').length),
          (err: unknown) => void failures.push(err),
        )
        .finally(() => running.delete(work));
      running.add(work);
      if (batch.views.length < batchSize) break;
      after = (batch.views[batch.views.length - 1] as { instanceUid: string }).instanceUid;
      if (running.size >= FANOUT_BATCHES_IN_FLIGHT) {
        const blockedSince = performance.now();
        await Promise.race(running);
        blockedMs += performance.now() - blockedSince;
      }
    }
  } catch (err) {
    failures.push(err);
  }
  await Promise.all(running);
  if (failures.length > 0) throw failures[0];
  return Object.freeze({ agents, offered, batches, readMs: Math.round(readMs), blockedMs: Math.round(blockedMs) });
}
