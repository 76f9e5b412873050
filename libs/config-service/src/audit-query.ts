import type { SqlExecutor } from '@shepherd/store';
import { CURSOR_TIME, cursorTimeSql, decodeCursor, encodeCursor } from './query-cursor.js';

/** One audit-log entry as the read API shows it. */
export interface AuditEntry {
  /** Decimal text: the log's own sequence. */
  readonly id: string;
  /** ISO-8601. */
  readonly at: string;
  readonly actor: string;
  /** e.g. `config.assign`, `config.rollback`, `config.emergency.set`. */
  readonly action: string;
  /** What changed, e.g. `assignment:<id>`. */
  readonly subject: string;
  readonly beforeHash: string | null;
  readonly afterHash: string | null;
  readonly details: unknown;
}

/** Filters of {@link queryAudit}; `null` means no filter. All are exact matches. */
export interface AuditFilter {
  readonly actor: string | null;
  readonly action: string | null;
  readonly subject: string | null;
  /** Entries whose before or after hash is this one. */
  readonly hash: string | null;
  /** Inclusive lower bound on `at`. */
  readonly since: Date | null;
  /** Exclusive upper bound on `at`. */
  readonly until: Date | null;
}

/** One page of the audit log, newest first; `next` is present when more may follow. */
export interface AuditPage {
  readonly entries: readonly AuditEntry[];
  readonly next?: string;
}

interface AuditRow extends Record<string, unknown> {
  id: bigint;
  at: Date;
  actor: string;
  action: string;
  subject: string;
  before_hash: string | null;
  after_hash: string | null;
  details: unknown;
  cursor_at: string;
}

const ID_KEY = /^\d{1,19}$/;

/**
 * Up to `limit` audit entries of the tenant matching `filter`, newest first (by time, then id),
 * after the `after` cursor. Entries of other tenants and tenant-less entries are never shown.
 * @throws InvalidConfigQueryError for a cursor that is not a `next` of this query
 */
export async function queryAudit(db: SqlExecutor, tenantId: string, filter: AuditFilter, limit: number, after: string | undefined): Promise<AuditPage> {
  const [afterAt, afterId] = after === undefined ? [null, null] : decodeCursor(after, [CURSOR_TIME, ID_KEY]);
  const { rows } = await db.query<AuditRow>(
    `SELECT id, at, actor, action, subject, before_hash, after_hash, details, ${cursorTimeSql('at')} AS cursor_at
       FROM audit_log
      WHERE tenant_id = $1
        AND ($2::text IS NULL OR actor = $2)
        AND ($3::text IS NULL OR action = $3)
        AND ($4::text IS NULL OR subject = $4)
        AND ($5::text IS NULL OR before_hash = $5 OR after_hash = $5)
        AND ($6::timestamptz IS NULL OR at >= $6)
        AND ($7::timestamptz IS NULL OR at < $7)
        AND ($8::timestamptz IS NULL OR at < $8 OR (at = $8 AND id < $9::bigint))
      ORDER BY at DESC, id DESC
      LIMIT $10`,
    [tenantId, filter.actor, filter.action, filter.subject, filter.hash, filter.since, filter.until, afterAt, afterId, limit + 1],
  );
  const page = rows.slice(0, limit);
  const entries = page.map(toEntry);
  const last = page.at(-1);
  return rows.length > limit && last !== undefined ? { entries, next: encodeCursor([last.cursor_at, String(last.id)]) } : { entries };
}

function toEntry(row: AuditRow): AuditEntry {
  return Object.freeze({
    id: String(row.id),
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    beforeHash: row.before_hash,
    afterHash: row.after_hash,
    details: row.details,
  });
}
