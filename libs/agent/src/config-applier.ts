import writeFileAtomic from 'write-file-atomic';
import { errorFields, type AgentLogger } from './agent-logger.js';
import { sha256Hex } from './config-hash.js';
import { awaitConfigTaken } from './config-take-in.js';
import type { ConfigStateStore } from './config-state-store.js';
import type { HealthMonitor } from './health-monitor.js';
import { probeHealth } from './health-probe.js';
import type { ProcessSupervisor } from './process-supervisor.js';
import type { CheckedConfig } from './remote-config-check.js';
import { RemoteConfigApplyError } from './supervisor-errors.js';
import type { ResolvedSupervisorOptions } from './supervisor-options.js';

/** What the applier works with. */
export interface ConfigApplierDeps {
  readonly options: ResolvedSupervisorOptions;
  readonly processes: ProcessSupervisor;
  readonly monitor: HealthMonitor;
  readonly store: ConfigStateStore;
  /** The health URL for a config text (the pinned one, or the one its health_check names). */
  readonly healthUrlFor: (configText: string) => string | undefined;
  readonly logger: AgentLogger;
}

/** The config file content the collector runs now. */
export interface RunningConfig {
  readonly bytes: Uint8Array;
  readonly text: string;
}

/**
 * Puts a checked remote config into effect: backs up the running file, writes the new one
 * atomically, has the collector take it (SIGHUP to a collector that is up, else a restart),
 * waits until it is healthy on it, and saves it as the last good config. On any failure after
 * the write it restores the backup the same way and reports why. Crash restarts are held
 * meanwhile, so the supervisor never restarts a collector on a config being tried.
 */
export class ConfigApplier {
  readonly #d: ConfigApplierDeps;

  constructor(deps: ConfigApplierDeps) {
    this.#d = deps;
  }

  /**
   * @throws RemoteConfigApplyError with the step that failed (`write`, `exited`, `rejected`,
   *   `health-timeout`); the previous config is in effect again unless the message says otherwise
   */
  async apply(checked: CheckedConfig, running: RunningConfig): Promise<void> {
    const release = this.#d.processes.holdCrashRestarts();
    try {
      await this.#write(checked.file.body, running.bytes);
      try {
        await this.#takeIn(checked.text, checked.sha256, running.text);
      } catch (err) {
        const failure = asApplyError(err);
        this.#d.logger.warn({ reason: failure.reason, hash: checked.hashHex }, failure.message);
        const rollbackProblem = await this.#rollback(running);
        throw new RemoteConfigApplyError(failure.reason, `${failure.message}${rollbackProblem}`, { cause: err });
      }
      await this.#d.store.saveLastGood({ hashHex: checked.hashHex, files: [checked.file], appliedAt: new Date().toISOString() });
      await this.#d.store.removeBackup();
    } finally {
      release();
      this.#d.monitor.nudge();
    }
  }

  async #write(body: Uint8Array, previous: Uint8Array): Promise<void> {
    try {
      await this.#d.store.writeBackup(previous);
      await writeFileAtomic(this.#d.options.configPath, Buffer.from(body));
    } catch (err) {
      await this.#d.store.removeBackup().catch(() => undefined);
      throw new RemoteConfigApplyError('write', `cannot write the collector config ${this.#d.options.configPath}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Has the collector take the file now on disk and waits until it runs it healthily. */
  async #takeIn(text: string, sha256: string, previousText: string): Promise<void> {
    const { options, processes, monitor } = this.#d;
    const current = processes.current;
    const wait = { healthUrl: this.#d.healthUrlFor(text), sha256, timeoutMs: options.healthTimeoutMs, probeTimeoutMs: options.probeTimeoutMs };
    if (options.reload === 'sighup' && current !== undefined && monitor.hasBeenUp(current)) {
      const previousUrl = this.#d.healthUrlFor(previousText);
      const before = previousUrl === undefined ? undefined : await probeHealth(previousUrl, options.probeTimeoutMs);
      current.signal('SIGHUP');
      await awaitConfigTaken({ ...wait, process: current, reloadsBefore: before?.reloads });
      return;
    }
    const fresh = await processes.restart();
    await awaitConfigTaken({ ...wait, process: fresh, reloadsBefore: undefined });
    monitor.markUp(fresh);
  }

  /** Restores the previous file and has the collector take it; '' on success, else what went wrong. */
  async #rollback(running: RunningConfig): Promise<string> {
    try {
      await writeFileAtomic(this.#d.options.configPath, Buffer.from(running.bytes));
      await this.#takeIn(running.text, sha256Hex(running.bytes), running.text);
      await this.#d.store.removeBackup();
      this.#d.logger.info({}, 'rolled back to the previous collector config');
      return '';
    } catch (err) {
      this.#d.logger.error(errorFields(err), 'rollback to the previous collector config failed');
      return `; rolling back to the previous config failed too: ${(err as Error).message}`;
    }
  }
}

function asApplyError(err: unknown): RemoteConfigApplyError {
  if (err instanceof RemoteConfigApplyError) return err;
  return new RemoteConfigApplyError('exited', `collector could not be restarted on the new config: ${(err as Error).message}`, { cause: err });
}
