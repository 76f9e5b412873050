import type { SqlExecutor } from '@shepherd/store';
import type { StoredConfigFile } from './config-files.js';
import type { ConfigOrigin } from './config-origin.js';
import { CURSOR_TIME, cursorTimeSql, decodeCursor, encodeCursor } from './query-cursor.js';
import { ConfigVersionNotFoundError } from './query-errors.js';

/** A file of a version as listed: no body. `size` counts bytes of the body. */
export interface VersionFileInfo {
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
}

/** A config version's metadata as the read API shows it. */
export interface ConfigVersionInfo {
  readonly hash: string;
  /** The user's name for the version, e.g. `v1.4.0`. */
  readonly label: string | null;
  readonly name: string | null;
  readonly description: string | null;
  readonly author: string;
  /** ISO-8601. */
  readonly createdAt: string;
  readonly origin: ConfigOrigin;
  /** Sorted by name. */
  readonly files: readonly VersionFileInfo[];
}

/** A version with its file bodies (UTF-8 text, or base64 when `encoding` says so). */
export interface ConfigVersionDetail extends Omit<ConfigVersionInfo, 'files'> {
  readonly files: readonly (StoredConfigFile & { readonly size: number })[];
}

/** One page of versions, newest first; `next` is present when more may follow. */
export interface ConfigVersionPage {
  readonly versions: readonly ConfigVersionInfo[];
  readonly next?: string;
}

interface VersionRow extends Record<string, unknown> {
  hash: string;
  label: string | null;
  name: string | null;
  description: string | null;
  author: string;
  created_at: Date;
  origin: ConfigOrigin;
  cursor_at: string;
}

// Sizes are computed in SQL so a page of 1000 versions never ships their bodies.
const FILE_INFOS = `COALESCE((SELECT jsonb_agg(jsonb_build_object(
      'name', f ->> 'name', 'contentType', f ->> 'contentType',
      'size', CASE WHEN f ->> 'encoding' = 'base64' THEN length(decode(f ->> 'body', 'base64')) ELSE octet_length(convert_to(f ->> 'body', 'UTF8')) END)
      ORDER BY o) FROM jsonb_array_elements(v.files) WITH ORDINALITY AS e(f, o)), '[]'::jsonb)`;

const INFO_COLUMNS = `v.hash, v.label, v.name, v.description, v.author, v.created_at, v.origin, ${cursorTimeSql('v.created_at')} AS cursor_at`;
const HASH_KEY = /^[0-9a-f]{64}$/;

/**
 * Up to `limit` versions of the tenant, newest first (then by hash), after the `after` cursor.
 * @throws InvalidConfigQueryError for a cursor that is not a `next` of this listing
 */
export async function listVersions(db: SqlExecutor, tenantId: string, limit: number, after: string | undefined): Promise<ConfigVersionPage> {
  const [afterAt, afterHash] = after === undefined ? [null, null] : decodeCursor(after, [CURSOR_TIME, HASH_KEY]);
  const { rows } = await db.query<VersionRow & { files: VersionFileInfo[] }>(
    `SELECT ${INFO_COLUMNS}, ${FILE_INFOS} AS files
       FROM config_versions v
      WHERE v.tenant_id = $1
        AND ($2::timestamptz IS NULL OR v.created_at < $2::timestamptz OR (v.created_at = $2::timestamptz AND v.hash > $3))
      ORDER BY v.created_at DESC, v.hash
      LIMIT $4`,
    [tenantId, afterAt, afterHash, limit + 1],
  );
  const page = rows.slice(0, limit);
  const versions = page.map((row) => Object.freeze({ ...info(row), files: row.files }));
  const last = page.at(-1);
  return rows.length > limit && last !== undefined ? { versions, next: encodeCursor([last.cursor_at, last.hash]) } : { versions };
}

/**
 * The version `hash` of the tenant with its files.
 * @throws ConfigVersionNotFoundError when the tenant has no such version
 */
export async function getVersion(db: SqlExecutor, tenantId: string, hash: string): Promise<ConfigVersionDetail> {
  const { rows } = await db.query<VersionRow & { files: StoredConfigFile[] }>(
    `SELECT ${INFO_COLUMNS}, v.files FROM config_versions v WHERE v.tenant_id = $1 AND v.hash = $2`,
    [tenantId, hash],
  );
  const row = rows[0];
  if (row === undefined) throw new ConfigVersionNotFoundError(hash);
  const files = row.files.map((file) => Object.freeze({ ...file, size: storedFileSize(file) }));
  return Object.freeze({ ...info(row), files });
}

/** Bytes of a stored file's body. */
export function storedFileSize(file: Pick<StoredConfigFile, 'body' | 'encoding'>): number {
  return file.encoding === 'base64' ? Buffer.from(file.body, 'base64').length : Buffer.byteLength(file.body, 'utf8');
}

function info(row: VersionRow): Omit<ConfigVersionInfo, 'files'> {
  return {
    hash: row.hash,
    label: row.label,
    name: row.name,
    description: row.description,
    author: row.author,
    createdAt: row.created_at.toISOString(),
    origin: row.origin,
  };
}
