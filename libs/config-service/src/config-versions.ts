import type { SqlExecutor } from '@shepherd/store';
import { type ConfigFileBytes, type StoredConfigFile, fromStoredFile, toStoredFile } from './config-files.js';
import type { ConfigOrigin } from './config-origin.js';
import { LRUCache } from 'lru-cache';

/** One immutable config of a tenant, identified by its content hash. */
export interface ConfigVersion {
  readonly tenantId: string;
  /** sha256 of the canonical encoding, 64 hex characters. */
  readonly hash: string;
  readonly name: string | null;
  /** Sorted by name. */
  readonly files: readonly ConfigFileBytes[];
  readonly author: string;
  readonly createdAt: Date;
}

/** What {@link saveConfigVersion} stores. */
export interface NewConfigVersion {
  readonly tenantId: string;
  readonly hash: string;
  readonly name: string | null;
  readonly files: readonly ConfigFileBytes[];
  readonly author: string;
  readonly at: Date;
  /** The user's name for the version, e.g. `v1.4.0`. */
  readonly label?: string | null;
  readonly description?: string | null;
  /** Where it came from (default `{type: 'api'}`). */
  readonly origin?: ConfigOrigin;
}

/**
 * Stores a version unless the tenant already has one with this hash (idempotent: the first
 * name, author, label, description and origin are kept). Returns whether a row was created.
 * Run it inside the transaction that also creates the assignment.
 */
export async function saveConfigVersion(db: SqlExecutor, version: NewConfigVersion): Promise<boolean> {
  const files: StoredConfigFile[] = version.files.map(toStoredFile);
  const { rowCount } = await db.query(
    `INSERT INTO config_versions (tenant_id, hash, name, files, author, created_at, label, description, origin)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9::jsonb)
     ON CONFLICT (tenant_id, hash) DO NOTHING`,
    [
      version.tenantId,
      version.hash,
      version.name,
      JSON.stringify(files),
      version.author,
      version.at,
      version.label ?? null,
      version.description ?? null,
      version.origin ?? { type: 'api' },
    ],
  );
  return rowCount === 1;
}

/** The version `hash` of `tenantId`; `undefined` when there is none. */
export async function loadConfigVersion(db: SqlExecutor, tenantId: string, hash: string): Promise<ConfigVersion | undefined> {
  const { rows } = await db.query<{ name: string | null; files: StoredConfigFile[]; author: string; created_at: Date }>(
    'SELECT name, files, author, created_at FROM config_versions WHERE tenant_id = $1 AND hash = $2',
    [tenantId, hash],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return Object.freeze({
    tenantId,
    hash,
    name: row.name,
    files: Object.freeze(row.files.map(fromStoredFile)),
    author: row.author,
    createdAt: row.created_at,
  });
}

/** Reads versions through a cache; safe because a version never changes once stored. */
export interface ConfigVersionCache {
  /** The version, from the cache or the store; `undefined` when it does not exist (not cached). */
  get(tenantId: string, hash: string): Promise<ConfigVersion | undefined>;
}

/** Creates a {@link ConfigVersionCache} holding at most `maxBytes` of file content (default 64 MiB). */
export function createConfigVersionCache(db: SqlExecutor, maxBytes = 64 * 1_048_576): ConfigVersionCache {
  // A version heavier than maxBytes is not kept at all (lru-cache's maxEntrySize defaults to maxSize).
  const cache = new LRUCache<string, ConfigVersion>({
    max: 10_000,
    maxSize: maxBytes,
    sizeCalculation: (version) => version.files.reduce((sum, file) => sum + file.body.length + file.name.length + 64, 1),
  });
  return Object.freeze({
    async get(tenantId: string, hash: string): Promise<ConfigVersion | undefined> {
      const key = `${tenantId}\u0000${hash}`;
      const cached = cache.get(key);
      if (cached !== undefined) return cached;
      const loaded = await loadConfigVersion(db, tenantId, hash);
      if (loaded !== undefined) cache.set(key, loaded);
      return loaded;
    },
  });
}
