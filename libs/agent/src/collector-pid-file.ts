import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import writeFileAtomic from 'write-file-atomic';
import { errorFields, type AgentLogger } from './agent-logger.js';

const PID_FILE = 'collector.pid';
const POLL_MS = 50;

/**
 * The collector's pid, kept under the state dir while it runs. An agent that died without
 * stopping its collector (SIGKILL, OOM kill) finds the orphan at its next start and stops it,
 * instead of starting a second collector that fails on the same ports. A pid is only trusted
 * when that process still runs with our config path on its command line (Linux /proc), so a
 * recycled pid is never signalled.
 */
export class CollectorPidFile {
  readonly #path: string;
  readonly #configPath: string;
  readonly #logger: AgentLogger;

  constructor(stateDir: string, configPath: string, logger: AgentLogger) {
    this.#path = join(stateDir, PID_FILE);
    this.#configPath = configPath;
    this.#logger = logger;
  }

  async record(pid: number): Promise<void> {
    await writeFileAtomic(this.#path, `${pid}\n`, { mode: 0o600 });
  }

  async clear(): Promise<void> {
    await rm(this.#path, { force: true });
  }

  /** Stops a collector left running by an earlier agent: SIGTERM, then SIGKILL after `timeoutMs`. */
  async stopOrphan(timeoutMs: number): Promise<void> {
    const pid = Number.parseInt(await readFile(this.#path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(pid) && pid > 0 && (await this.#isOurCollector(pid))) {
      this.#logger.warn({ collectorPid: pid }, 'stopping a collector left running by an earlier agent');
      await terminate(pid, timeoutMs).catch((err: unknown) => this.#logger.warn({ collectorPid: pid, ...errorFields(err) }, 'cannot stop the orphaned collector'));
    }
    await this.clear();
  }

  async #isOurCollector(pid: number): Promise<boolean> {
    try {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      return cmdline.split('\0').includes(this.#configPath);
    } catch {
      return false;
    }
  }
}

async function terminate(pid: number, timeoutMs: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return;
    await sleep(POLL_MS);
  }
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
