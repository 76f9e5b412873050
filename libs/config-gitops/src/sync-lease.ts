import type { SqlExecutor } from '@shepherd/store';
import type { SyncScope } from './sync-state-repository.js';

/**
 * Takes or renews the lease of `holder` on the repository for `ttlMs` (table
 * `gitops_sync_leases`, times from the database clock so replicas agree). True when `holder`
 * holds it now; false when another holder's lease has not expired.
 */
export async function acquireSyncLease(db: SqlExecutor, scope: SyncScope, holder: string, ttlMs: number): Promise<boolean> {
  const { rows } = await db.query<{ holder: string }>(
    `INSERT INTO gitops_sync_leases (tenant_id, repository, holder, expires_at)
     VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond')
     ON CONFLICT (tenant_id, repository) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE gitops_sync_leases.holder = EXCLUDED.holder OR gitops_sync_leases.expires_at < now()
     RETURNING holder`,
    [scope.tenantId, scope.repository, holder, ttlMs],
  );
  return rows.length === 1;
}

/** Gives the lease up (so another replica takes over at once); a no-op when `holder` does not hold it. */
export async function releaseSyncLease(db: SqlExecutor, scope: SyncScope, holder: string): Promise<void> {
  await db.query('DELETE FROM gitops_sync_leases WHERE tenant_id = $1 AND repository = $2 AND holder = $3', [
    scope.tenantId,
    scope.repository,
    holder,
  ]);
}
