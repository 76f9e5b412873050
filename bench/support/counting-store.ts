import type { CountingStore } from '@shepherd/store/testing';

/** Statements of one kind seen in the measured window. */
export interface StatementTally {
  readonly kind: string;
  readonly count: number;
  /** Summed wall time from call to result, ms (overlapping statements add up). */
  readonly totalMs: number;
}

/** What a {@link CountingStore} saw since its last reset. */
export interface StoreTally {
  /** Every statement, inside transactions or not. */
  readonly statements: number;
  readonly transactions: number;
  readonly byKind: readonly StatementTally[];
}

// Names for the statements of a fan-out; anything else is named by its first words.
const KINDS: readonly [RegExp, string][] = [
  // First: it also reads views by uid array.
  [/^\s*WITH cleared AS/, 'views on connect (loadViewsOnConnect)'],
  [/FROM agents a\s+LEFT JOIN agent_config_state[\s\S]*= ANY\(\$1::uuid\[\]\)/, 'view batch read (loadViews; fan-out or agent events)'],
  [/^\s*SELECT instance_uid FROM agents[\s\S]*ORDER BY instance_uid LIMIT/, 'fan-out uid listing (listOnlineUids)'],
  [/^\s*INSERT INTO agent_config_state AS s \(instance_uid, target_hash/, 'record offers (recordOffers)'],
  [/FROM config_versions WHERE tenant_id = \$1 AND hash = \$2/, 'load version'],
  [/^\s*INSERT INTO config_versions/, 'save version'],
  [/config_assignments/, 'assignment write/read'],
  [/INSERT INTO audit_log/, 'audit entry'],
  [/count\(\*\)[\s\S]*FROM agents/, 'count matching agents'],
  [/pg_advisory_xact_lock/, 'advisory lock'],
];

function kindOf(sql: string): string {
  for (const [pattern, kind] of KINDS) if (pattern.test(sql)) return kind;
  return sql.trim().replace(/\s+/g, ' ').slice(0, 40);
}

/** The finished statements `counting` recorded since its last reset, by kind, slowest kind first. */
export function tallyStatements(counting: CountingStore): StoreTally {
  const kinds = new Map<string, { count: number; totalMs: number }>();
  for (const { sql, ms } of counting.records) {
    if (ms === undefined) continue;
    const kind = kindOf(sql);
    const entry = kinds.get(kind) ?? { count: 0, totalMs: 0 };
    entry.count += 1;
    entry.totalMs += ms;
    kinds.set(kind, entry);
  }
  const byKind = [...kinds].map(([kind, { count, totalMs }]) => ({ kind, count, totalMs })).sort((a, b) => b.totalMs - a.totalMs);
  return { statements: byKind.reduce((sum, k) => sum + k.count, 0), transactions: counting.transactions, byKind };
}
