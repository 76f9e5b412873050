import { ShepherdError } from '@shepherd/errors';
import { MigrationChecksumError, MigrationError } from '../errors.js';
import type { MigrateResult, SqlExecutor } from '../sql-store.js';
import type { MigrationFile } from './migration-loader.js';

/** A transaction handle that can also run a multi-statement script (a migration file). */
export interface ScriptExecutor extends SqlExecutor {
  /** Runs `script` (several statements, no parameters); throws the store's typed errors. */
  exec(script: string): Promise<void>;
}

/**
 * What an adapter lends the runner: transactions on a session that holds the adapter's
 * migration lock, so no other migrator runs at the same time.
 */
export interface MigrationSession {
  /** Runs `fn` in one transaction: COMMIT on success, ROLLBACK and rethrow on failure. */
  transaction<T>(fn: (tx: ScriptExecutor) => Promise<T>): Promise<T>;
}

interface AppliedRow extends Record<string, unknown> {
  version: number;
  name: string;
  checksum: string;
}

const CREATE_TABLE = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/**
 * Brings the database up to `migrations` (shared by both adapters): creates `schema_migrations`
 * if missing, refuses with {@link MigrationChecksumError} before applying anything when a
 * recorded migration's file changed, then applies each unrecorded migration in version order
 * in its own transaction. Migrations recorded but absent from `migrations` (written by a newer
 * release) are tolerated so that rolling deployments can start older replicas. A failing
 * migration is rolled back and reported as {@link MigrationError}; earlier ones stay applied.
 */
export async function runMigrations(
  session: MigrationSession,
  migrations: readonly MigrationFile[],
): Promise<MigrateResult> {
  const recorded = await session.transaction(async (tx) => {
    await tx.exec(CREATE_TABLE);
    const { rows } = await tx.query<AppliedRow>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
    return new Map(rows.map((row) => [row.version, row]));
  });
  verifyChecksums(recorded, migrations);
  const applied: string[] = [];
  for (const migration of migrations) {
    if (recorded.has(migration.version)) continue;
    await applyOne(session, migration);
    applied.push(migration.id);
    recorded.set(migration.version, { version: migration.version, name: migration.name, checksum: migration.checksum });
  }
  return { applied, current: newestId(recorded) };
}

function verifyChecksums(recorded: ReadonlyMap<number, AppliedRow>, migrations: readonly MigrationFile[]): void {
  const changed = migrations.filter((m) => {
    const row = recorded.get(m.version);
    return row !== undefined && (row.checksum !== m.checksum || row.name !== m.name);
  });
  if (changed.length > 0) {
    throw new MigrationChecksumError(
      `applied migrations were changed after they ran: ${changed.map((m) => m.id).join(', ')}; ` +
        'restore the original files and add a new migration instead',
    );
  }
}

async function applyOne(session: MigrationSession, migration: MigrationFile): Promise<void> {
  try {
    await session.transaction(async (tx) => {
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const code = err instanceof ShepherdError ? ` [${err.code}]` : '';
    throw new MigrationError(`migration ${migration.id} failed and was rolled back: ${reason}${code}`, { cause: err });
  }
}

function newestId(recorded: ReadonlyMap<number, AppliedRow>): string {
  let newest: AppliedRow | undefined;
  for (const row of recorded.values()) if (newest === undefined || row.version > newest.version) newest = row;
  return newest === undefined ? '' : `${String(newest.version).padStart(4, '0')}_${newest.name}`;
}
