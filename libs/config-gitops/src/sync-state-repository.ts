import { type LabelSelector, parseSelector } from '@shepherd/config-service';
import type { SqlExecutor } from '@shepherd/store';

/** What a config directory was last applied as (table `gitops_directories`). */
export interface AppliedDirectory {
  readonly directory: string;
  readonly treeOid: string;
  readonly selector: LabelSelector;
  readonly configHash: string;
  readonly commit: string;
}

/** The repository a sync works on, within its tenant. */
export interface SyncScope {
  readonly tenantId: string;
  readonly repository: string;
}

/**
 * Most rows one repository may have: a layout holds at most `maxDirectories`, and a changed
 * `path` leaves the old directories until the next sync removes them.
 */
export function maxAppliedRows(maxDirectories: number): number {
  return 2 * maxDirectories;
}

/** Every applied directory of the repository, at most `limit` (by directory name). */
export async function loadAppliedDirectories(db: SqlExecutor, scope: SyncScope, limit: number): Promise<AppliedDirectory[]> {
  const { rows } = await db.query<{ directory: string; tree_oid: string; selector: unknown; config_hash: string; commit_oid: string }>(
    `SELECT directory, tree_oid, selector, config_hash, commit_oid FROM gitops_directories
      WHERE tenant_id = $1 AND repository = $2 ORDER BY directory LIMIT $3`,
    [scope.tenantId, scope.repository, limit],
  );
  return rows.map((row) => ({
    directory: row.directory,
    treeOid: row.tree_oid,
    selector: parseSelector(row.selector),
    configHash: row.config_hash,
    commit: row.commit_oid,
  }));
}

/** Records (inserts or replaces) what a directory was applied as. */
export async function saveAppliedDirectory(db: SqlExecutor, scope: SyncScope, applied: AppliedDirectory, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO gitops_directories (tenant_id, repository, directory, tree_oid, selector, config_hash, commit_oid, applied_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)
     ON CONFLICT (tenant_id, repository, directory) DO UPDATE SET tree_oid = EXCLUDED.tree_oid, selector = EXCLUDED.selector,
       config_hash = EXCLUDED.config_hash, commit_oid = EXCLUDED.commit_oid, applied_at = EXCLUDED.applied_at`,
    [scope.tenantId, scope.repository, applied.directory, applied.treeOid, selectorJson(applied.selector), applied.configHash, applied.commit, at],
  );
}

/** Forgets a directory that left the repository (after its target was deactivated). */
export async function deleteAppliedDirectory(db: SqlExecutor, scope: SyncScope, directory: string): Promise<void> {
  await db.query('DELETE FROM gitops_directories WHERE tenant_id = $1 AND repository = $2 AND directory = $3', [
    scope.tenantId,
    scope.repository,
    directory,
  ]);
}

function selectorJson(selector: LabelSelector): Record<string, unknown> {
  const json: Record<string, unknown> = { matchLabels: { ...selector.matchLabels } };
  if (selector.matchExpressions.length > 0) json['matchExpressions'] = selector.matchExpressions;
  return json;
}
