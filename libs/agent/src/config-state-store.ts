import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { errorFields, type AgentLogger } from './agent-logger.js';
import type { ConfigFile } from './collector-port.js';

/** The last remote config the collector took successfully. */
export interface LastGoodConfig {
  /** Hex of its config hash. */
  readonly hashHex: string;
  readonly files: readonly ConfigFile[];
  /** ISO 8601. */
  readonly appliedAt: string;
}

const LAST_GOOD_FILE = 'collector-last-good.json';
const BACKUP_FILE = 'collector-config.backup';
const FORMAT_VERSION = 1;

/**
 * The supervisor's files under the state dir: the last good remote config (hash and files, so
 * the collector runs it again after an agent restart without the server) and the backup of the
 * config file taken before a write. The backup exists only while a config is being applied, so
 * finding one at start means an apply was interrupted. Every write is atomic (temp + rename).
 */
export class ConfigStateStore {
  readonly #dir: string;
  readonly #logger: AgentLogger;

  constructor(stateDir: string, logger: AgentLogger) {
    this.#dir = stateDir;
    this.#logger = logger;
  }

  async init(): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
  }

  /** The saved last good config; undefined when none was saved or the file is unusable (logged). */
  async loadLastGood(): Promise<LastGoodConfig | undefined> {
    const path = join(this.#dir, LAST_GOOD_FILE);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.#logger.warn({ path, ...errorFields(err) }, 'cannot read the last good config');
      return undefined;
    }
    const parsed = parseLastGood(text);
    if (parsed === undefined) this.#logger.warn({ path }, 'the last good config file is corrupt; ignoring it');
    return parsed;
  }

  async saveLastGood(config: LastGoodConfig): Promise<void> {
    const json = {
      v: FORMAT_VERSION,
      hash: config.hashHex,
      appliedAt: config.appliedAt,
      files: config.files.map((f) => ({ name: f.name, contentType: f.contentType, body: Buffer.from(f.body).toString('base64') })),
    };
    await writeFileAtomic(join(this.#dir, LAST_GOOD_FILE), `${JSON.stringify(json)}\n`, { mode: 0o600 });
  }

  async writeBackup(bytes: Uint8Array): Promise<void> {
    await writeFileAtomic(join(this.#dir, BACKUP_FILE), Buffer.from(bytes), { mode: 0o600 });
  }

  /** The backup left by an interrupted apply, if any. */
  async readBackup(): Promise<Uint8Array | undefined> {
    try {
      return await readFile(join(this.#dir, BACKUP_FILE));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async removeBackup(): Promise<void> {
    await rm(join(this.#dir, BACKUP_FILE), { force: true });
  }
}

function parseLastGood(text: string): LastGoodConfig | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v['v'] !== FORMAT_VERSION || typeof v['hash'] !== 'string' || !/^[0-9a-f]+$/.test(v['hash'])) return undefined;
  if (typeof v['appliedAt'] !== 'string' || !Array.isArray(v['files'])) return undefined;
  const files: ConfigFile[] = [];
  for (const f of v['files'] as unknown[]) {
    if (typeof f !== 'object' || f === null) return undefined;
    const { name, contentType, body } = f as Record<string, unknown>;
    if (typeof name !== 'string' || typeof contentType !== 'string' || typeof body !== 'string') return undefined;
    files.push({ name, contentType, body: Uint8Array.from(Buffer.from(body, 'base64')) });
  }
  return { hashHex: v['hash'], appliedAt: v['appliedAt'], files };
}
