import { randomBytes } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Runs `use` with a new private temp file under `dir` (open for writing) and
 * removes the file afterwards, whatever happens. `use` may close the handle;
 * it is closed here otherwise.
 */
export async function withSpoolFile<T>(dir: string, use: (file: FileHandle, path: string) => Promise<T>): Promise<T> {
  const path = join(dir, `shepherd-blob-${randomBytes(8).toString('hex')}.spool`);
  const file = await open(path, 'wx', 0o600);
  try {
    return await use(file, path);
  } finally {
    await file.close().catch(() => undefined);
    await rm(path, { force: true });
  }
}
