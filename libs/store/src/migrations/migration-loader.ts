import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MigrationError } from '../errors.js';

/** One migration file, read and checksummed. */
export interface MigrationFile {
  /** The number prefix, e.g. 1 for `0001_agents.sql`. */
  readonly version: number;
  /** The file name without `.sql`, e.g. `0001_agents`; used in results and errors. */
  readonly id: string;
  /** The part after the number, e.g. `agents`. */
  readonly name: string;
  /** The SQL script. */
  readonly sql: string;
  /** sha256 (hex) of the script with CRLF line ends normalised to LF. */
  readonly checksum: string;
}

/** This package's own migrations (`libs/store/migrations`), resolved from this module's location. */
export const DEFAULT_MIGRATIONS_DIR: string = fileURLToPath(new URL('../../migrations/', import.meta.url));

const MIGRATION_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/**
 * Reads every `NNNN_name.sql` file of `dir` (other files are ignored), sorted by number. Throws
 * {@link MigrationError} when the directory cannot be read, a `.sql` file is not named
 * `NNNN_lower_snake.sql`, or two files share a number.
 */
export async function loadMigrations(dir: string): Promise<MigrationFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new MigrationError(`cannot read migrations directory ${dir}`, { cause: err });
  }
  const files = await Promise.all(names.filter((n) => n.endsWith('.sql')).map((n) => readMigration(dir, n)));
  files.sort((a, b) => a.version - b.version);
  for (let i = 1; i < files.length; i++) {
    if (files[i]!.version === files[i - 1]!.version) {
      throw new MigrationError(`migrations ${files[i - 1]!.id} and ${files[i]!.id} share version ${files[i]!.version}`);
    }
  }
  return files;
}

/** sha256 (hex) of a migration script, insensitive to CRLF versus LF line ends. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

async function readMigration(dir: string, fileName: string): Promise<MigrationFile> {
  const match = MIGRATION_FILE.exec(fileName);
  if (match === null) {
    throw new MigrationError(`migration file ${fileName} in ${dir} is not named NNNN_lower_snake_name.sql`);
  }
  const sql = await readFile(join(dir, fileName), 'utf8');
  return {
    version: Number(match[1]),
    id: fileName.slice(0, -'.sql'.length),
    name: match[2]!,
    sql,
    checksum: migrationChecksum(sql),
  };
}
