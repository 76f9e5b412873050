import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { ShepherdError } from '@shepherd/errors';
import { isValidUid, newInstanceUid, uidFromString, uidToString } from '@shepherd/proto';

/** Name of the file under the state dir that holds the instance uid (canonical UUID text). */
export const INSTANCE_UID_FILE = 'instance-uid';

/** The instance uid file exists but does not hold a uid, or the state dir cannot be written. */
export class InstanceUidFileError extends ShepherdError {
  readonly code = 'AGENT_INSTANCE_UID_INVALID';
  readonly kind = 'failed_precondition' as const;
}

/**
 * Keeps the agent's OpAMP instance uid on disk (wire-facts §6.4), so a
 * restarted agent is the same agent to the server: created once as a UUID
 * v7, replaced only when the server assigns a new one.
 */
export class InstanceUidStore {
  readonly file: string;
  readonly #dir: string;

  constructor(stateDir: string) {
    this.#dir = stateDir;
    this.file = join(stateDir, INSTANCE_UID_FILE);
  }

  /**
   * The stored uid, or a new UUID v7 written first when there is none.
   * @throws {InstanceUidFileError} when the file holds anything but a
   *   canonical UUID (it is never silently replaced: that would make the
   *   agent a stranger to the server) or cannot be read or written.
   */
  async loadOrCreate(): Promise<Uint8Array> {
    let text: string | undefined;
    try {
      text = (await readFile(this.file, 'utf8')).trim();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new InstanceUidFileError(`cannot read the instance uid file ${this.file}: ${(err as Error).message}`, { cause: err });
      }
    }
    if (text === undefined) {
      const uid = newInstanceUid();
      await this.save(uid);
      return uid;
    }
    try {
      return uidFromString(text);
    } catch (cause) {
      throw new InstanceUidFileError(
        `the instance uid file ${this.file} does not hold a canonical UUID (delete it to start as a new agent)`,
        { cause },
      );
    }
  }

  /**
   * Replaces the stored uid atomically (temp file + rename).
   * @throws {InstanceUidFileError} when `uid` is not 16 bytes or the file cannot be written.
   */
  async save(uid: Uint8Array): Promise<void> {
    if (!isValidUid(uid)) throw new InstanceUidFileError('an instance uid must be exactly 16 bytes');
    try {
      await mkdir(this.#dir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.file, `${uidToString(uid)}\n`, { mode: 0o600 });
    } catch (cause) {
      throw new InstanceUidFileError(`cannot write the instance uid file ${this.file}: ${(cause as Error).message}`, { cause });
    }
  }
}
