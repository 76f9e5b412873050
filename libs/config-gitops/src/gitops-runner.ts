import type { GitopsSync } from './gitops-sync.js';
import type { GitopsSyncStatus } from './sync-status.js';

/** A sync running on its interval; see {@link startGitopsRunner}. */
export interface GitopsRunner {
  status(): GitopsSyncStatus;
  /** Cancels the schedule, aborts the sync in flight, waits for it, then releases the lease. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs `sync` at once and then `intervalMs` after each sync ends (never two at a time), until
 * {@link GitopsRunner.stop}.
 */
export function startGitopsRunner(sync: GitopsSync, intervalMs: number): GitopsRunner {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;

  const tick = (): void => {
    timer = undefined;
    running = sync
      .syncOnce(controller.signal)
      .then(() => undefined)
      // Only an abort rejects, and an abort means stop() is waiting for this promise.
      .catch(() => undefined)
      .finally(() => {
        running = undefined;
        if (!controller.signal.aborted) timer = setTimeout(tick, intervalMs).unref();
      });
  };
  tick();

  return Object.freeze({
    status: () => sync.status(),
    stop(): Promise<void> {
      stopping ??= (async () => {
        controller.abort(new Error('gitops sync stopped'));
        if (timer !== undefined) clearTimeout(timer);
        await running;
        await sync.stop();
      })();
      return stopping;
    },
  });
}
