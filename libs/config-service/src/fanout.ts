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
}

/**
 * Reconciles every online agent of the event's tenant that its selector matches (only the
 * event's agent when it names one), `batchSize`
 * agents at a time (keyset pagination by instance uid, so each batch is one indexed read, one
 * owner lookup and one offer-recording write, and memory stays bounded). Store, ownership and
 * bus errors propagate: the event is then redelivered, and agents already offered within the
 * resend window are skipped on the retry.
 */
export async function fanOut(store: SqlExecutor, reconciler: Reconciler, event: ConfigChangedEvent, batchSize: number): Promise<FanoutResult> {
  let after: string | null = null;
  let agents = 0;
  let offered = 0;
  let batches = 0;
  for (;;) {
    const target = event.instanceUid === undefined ? { selector: event.selector } : { instanceUid: event.instanceUid };
    const { views, outcomes } = await reconciler.reconcileBatch(() => loadOnlineBatch(store, event.tenantId, target, after, batchSize));
    if (views.length === 0) break;
    agents += views.length;
    offered += outcomes.filter((outcome) => outcome === 'offered').length;
    batches += 1;
    if (views.length < batchSize) break;
    after = (views[views.length - 1] as { instanceUid: string }).instanceUid;
  }
  return Object.freeze({ agents, offered, batches });
}
