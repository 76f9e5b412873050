import type { SqlStore } from '@shepherd/store';
import type { ChangePublisher } from './change-publisher.js';

/** What the admin operations share: the store, the event publisher and the clock. */
export interface AdminContext {
  readonly store: SqlStore;
  readonly publisher: ChangePublisher;
  /** Wall clock in ms. */
  readonly now: () => number;
}
