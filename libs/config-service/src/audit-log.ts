import type { SqlExecutor } from '@shepherd/store';

/** One audit-log row: who changed what, when, and the config hash before and after. */
export interface AuditEntry {
  readonly tenantId: string;
  readonly actor: string;
  /** e.g. `config.assign`, `config.rollback`, `config.emergency.set`. */
  readonly action: string;
  /** What changed, e.g. `assignment:<id>`. */
  readonly subject: string;
  readonly beforeHash: string | null;
  readonly afterHash: string | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly at: Date;
}

/** Appends an entry (the table is append-only); run it in the transaction of the change. */
export async function appendAudit(db: SqlExecutor, entry: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (tenant_id, actor, action, subject, before_hash, after_hash, details, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
    [entry.tenantId, entry.actor, entry.action, entry.subject, entry.beforeHash, entry.afterHash, entry.details, entry.at],
  );
}
