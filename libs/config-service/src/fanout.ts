import type { SqlExecutor } from '@shepherd/store';
import { uncontestedAssignmentHash } from './assignment-repository.js';
import type { ConfigChangedEvent } from './config-changed-event.js';
import { listOnlineUids, loadViews } from './config-state-repository.js';
import type { Reconciler } from './reconciler.js';

/** Totals of one fan-out. */
export interface FanoutResult {
  /** Online agents the selector matched. */
  readonly agents: number;
  /** Offers sent. */
  readonly offered: number;
  readonly batches: number;
  /** Summed time of the batches' view reads, in ms (several run at once). */
  readonly readMs: number;
  /** Summed time of the batches' offers (owner lookups, multicasts until their receipts, offer writes), in ms. */
  readonly offerMs: number;
  /** Time the fan-out waited for a free place among the batches in flight, in ms. */
  readonly blockedMs: number;
  /** True when every agent's target was the event's config (no per-agent resolution needed). */
  readonly uncontested: boolean;
}

/**
 * Batches read and reconciled at once. A batch waits for its gateways' multicast receipts, so
 * this is also how many offers a fan-out keeps on their way (8 × CONFIG_FANOUT_BATCH).
 */
export const FANOUT_BATCHES_IN_FLIGHT = 8;
/** How a long fan-out reports how far it got: after a batch, when `everyMs` passed since the last report. */
export interface FanoutProgress {
  readonly everyMs: number;
  report(soFar: FanoutResult): void;
}

const NO_PROGRESS: FanoutProgress = { everyMs: Number.POSITIVE_INFINITY, report: () => undefined };
/** Batches whose uids one listing query returns. */
const BATCHES_PER_LISTING = 10;

/**
 * Reconciles every online agent of the event's tenant that its selector matches (only the
 * event's agent when it names one), `batchSize` agents at a time. The matching uids are listed
 * in pages (keyset pagination by uid, {@link BATCHES_PER_LISTING} batches per page); each batch
 * is then one read of its views, one owner lookup and one offer-recording write, and up to
 * {@link FANOUT_BATCHES_IN_FLIGHT} batches run at once: a batch mostly waits on the store and
 * the ownership store, and on a busy machine concurrent reads also get more of its CPU. When the
 * event's assignment is still active and outranked by no other assignment of the tenant, it is
 * the target of every agent its selector matches, and the reads skip resolving each agent's target
 * (a third to a quarter of their cost). Memory
 * stays bounded by one page of uids and the batches in flight. Store, ownership and bus errors
 * propagate once the batches in flight settled: the event is then redelivered, and agents
 * already offered within the resend window are skipped on the retry.
 */
export async function fanOut(
  store: SqlExecutor,
  reconciler: Reconciler,
  event: ConfigChangedEvent,
  batchSize: number,
  progress: FanoutProgress = NO_PROGRESS,
): Promise<FanoutResult> {
  const target = event.instanceUid === undefined ? { selector: event.selector } : { instanceUid: event.instanceUid };
  // An agent pin also depends on its own selector matching the agent: resolved per agent (one agent anyway).
  const fixedTarget = event.instanceUid === undefined ? await uncontestedAssignmentHash(store, event.tenantId, event.assignmentId) : undefined;
  const running = new Set<Promise<void>>();
  const failures: unknown[] = [];
  const totals = { agents: 0, offered: 0, batches: 0, readMs: 0, offerMs: 0, blockedMs: 0, uncontested: fixedTarget !== undefined };
  const result = (): FanoutResult =>
    Object.freeze({ ...totals, readMs: Math.round(totals.readMs), offerMs: Math.round(totals.offerMs), blockedMs: Math.round(totals.blockedMs) });
  let reportedAt = performance.now();
  const runBatch = async (uids: readonly string[]): Promise<void> => {
    const readStarted = performance.now();
    const batch = await reconciler.readBatch(() => loadViews(store, uids, fixedTarget));
    const offerStarted = performance.now();
    totals.readMs += offerStarted - readStarted;
    totals.agents += batch.views.length;
    const outcomes = await batch.reconcile();
    totals.offerMs += performance.now() - offerStarted;
    totals.offered += outcomes.filter((outcome) => outcome === 'offered').length;
    if (performance.now() - reportedAt >= progress.everyMs) {
      reportedAt = performance.now();
      progress.report(result());
    }
  };
  try {
    let after: string | null = null;
    const pageSize = batchSize * BATCHES_PER_LISTING;
    while (failures.length === 0) {
      const uids = await listOnlineUids(store, event.tenantId, target, after, pageSize);
      for (let i = 0; i < uids.length && failures.length === 0; i += batchSize) {
        totals.batches += 1;
        const work: Promise<void> = runBatch(uids.slice(i, i + batchSize))
          .catch((err: unknown) => void failures.push(err))
          .finally(() => running.delete(work));
        running.add(work);
        if (running.size >= FANOUT_BATCHES_IN_FLIGHT) {
          const blockedSince = performance.now();
          await Promise.race(running);
          totals.blockedMs += performance.now() - blockedSince;
        }
      }
      if (uids.length < pageSize) break;
      after = uids[uids.length - 1] as string;
    }
  } catch (err) {
    failures.push(err);
  }
  await Promise.all(running);
  if (failures.length > 0) throw failures[0];
  return result();
}
