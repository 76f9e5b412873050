import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { errorFields } from './agent-logger.js';
import { ConfigApplier, type RunningConfig } from './config-applier.js';
import { endpointsFromConfig } from './collector-endpoints.js';
import { HealthTracker } from './collector-health.js';
import type { ApplyOutcome, CollectorHealth, CollectorPort, ConfigFile } from './collector-port.js';
import { CollectorPidFile } from './collector-pid-file.js';
import { CollectorProcess } from './collector-process.js';
import { ConfigStateStore } from './config-state-store.js';
import { HealthMonitor } from './health-monitor.js';
import { forgetProcessUsage } from './process-metrics.js';
import { ProcessSupervisor, type ProcessEvent } from './process-supervisor.js';
import { checkRemoteConfig } from './remote-config-check.js';
import { CollectorStartError, RemoteConfigApplyError } from './supervisor-errors.js';
import { resolveSupervisorOptions, type CollectorSupervisorOptions, type ResolvedSupervisorOptions } from './supervisor-options.js';

/**
 * Creates the production {@link CollectorPort}: it supervises the collector process and applies
 * remote configs (see `ConfigApplier`), keeping the last good config under `stateDir`.
 * @throws CollectorSupervisorOptionsError naming every invalid option
 */
export function createCollectorSupervisor(options: CollectorSupervisorOptions): CollectorPort {
  return new CollectorSupervisor(resolveSupervisorOptions(options));
}

const CONTENT_TYPES: Readonly<Record<string, string>> = { '.yaml': 'application/yaml', '.yml': 'application/yaml', '.json': 'application/json', '.toml': 'application/toml' };

class CollectorSupervisor implements CollectorPort {
  readonly #o: ResolvedSupervisorOptions;
  readonly #store: ConfigStateStore;
  readonly #pidFile: CollectorPidFile;
  readonly #tracker: HealthTracker;
  readonly #processes: ProcessSupervisor;
  readonly #monitor: HealthMonitor;
  readonly #applier: ConfigApplier;
  #running: RunningConfig = { bytes: new Uint8Array(), text: '' };
  #effective: readonly ConfigFile[] = Object.freeze([]);
  #appliedHashHex: string | undefined;
  #state: 'new' | 'started' | 'stopped' = 'new';
  /** Start, apply, restart and stop run one at a time, in call order. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(o: ResolvedSupervisorOptions) {
    this.#o = o;
    this.#tracker = new HealthTracker(o.healthTimeoutMs);
    this.#store = new ConfigStateStore(o.stateDir, o.logger);
    this.#pidFile = new CollectorPidFile(o.stateDir, o.configPath, o.logger);
    this.#processes = new ProcessSupervisor({
      spawn: async () => {
        const proc = await CollectorProcess.spawn({ binary: o.binary, args: [...o.args, '--config', o.configPath], env: o.env, stopTimeoutMs: o.stopTimeoutMs, logger: o.logger });
        await this.#pidFile.record(proc.pid);
        return proc;
      },
      restartBackoff: o.restartBackoff,
      stableAfterMs: o.stableAfterMs,
      maxCrashRestarts: o.maxCrashRestarts,
      random: o.random,
      logger: o.logger,
      onEvent: (event) => this.#onProcessEvent(event),
    });
    const healthUrlFor = (text: string): string | undefined => o.healthUrl ?? endpointsFromConfig(text).healthUrl;
    this.#monitor = new HealthMonitor({
      current: () => this.#processes.current,
      tracker: this.#tracker,
      healthUrl: () => healthUrlFor(this.#running.text),
      metricsUrl: () => o.metricsUrl ?? endpointsFromConfig(this.#running.text).metricsUrl,
      intervalMs: o.healthIntervalMs,
      probeTimeoutMs: o.probeTimeoutMs,
    });
    this.#applier = new ConfigApplier({ options: o, processes: this.#processes, monitor: this.#monitor, store: this.#store, healthUrlFor, logger: o.logger });
  }

  start(): Promise<void> {
    return this.#serial(async () => {
      if (this.#state === 'started') return;
      await this.#store.init();
      await this.#pidFile.stopOrphan(this.#o.stopTimeoutMs);
      await this.#recoverConfigFile();
      await this.#processes.start();
      this.#state = 'started';
      this.#monitor.start();
    });
  }

  applyRemoteConfig(files: readonly ConfigFile[], hash: Uint8Array, onApplying: () => void): Promise<ApplyOutcome> {
    return this.#serial(async (): Promise<ApplyOutcome> => {
      const hashHex = Buffer.from(hash).toString('hex');
      if (hashHex === this.#appliedHashHex) return { status: 'APPLIED' };
      onApplying();
      try {
        if (this.#state !== 'started') throw new RemoteConfigApplyError('stopped', 'the collector supervisor is not running');
        const checked = checkRemoteConfig(files, hashHex, this.#o);
        await this.#applier.apply(checked, this.#running);
        this.#running = { bytes: checked.file.body, text: checked.text };
        this.#effective = Object.freeze([Object.freeze(checked.file)]);
        this.#appliedHashHex = hashHex;
        this.#o.logger.info({ hash: hashHex }, 'remote config applied');
        return { status: 'APPLIED' };
      } catch (err) {
        if (!(err instanceof RemoteConfigApplyError)) this.#o.logger.error(errorFields(err), 'remote config apply failed unexpectedly');
        return { status: 'FAILED', errorMessage: err instanceof Error ? err.message : String(err) };
      }
    });
  }

  effectiveConfig(): readonly ConfigFile[] {
    return this.#effective;
  }

  appliedHash(): Uint8Array | undefined {
    return this.#appliedHashHex === undefined ? undefined : Uint8Array.from(Buffer.from(this.#appliedHashHex, 'hex'));
  }

  restart(): Promise<void> {
    return this.#serial(async () => {
      if (this.#state !== 'started') throw new CollectorStartError('the collector supervisor is not running');
      await this.#processes.restart();
    });
  }

  health(): CollectorHealth {
    return this.#tracker.snapshot();
  }

  onHealthChange(listener: (health: CollectorHealth) => void): () => void {
    return this.#tracker.onChange(listener);
  }

  stop(): Promise<void> {
    return this.#serial(async () => {
      if (this.#state === 'stopped') return;
      this.#state = 'stopped';
      this.#monitor.stop();
      await this.#processes.stop();
      await this.#pidFile.clear();
      forgetProcessUsage();
    });
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Makes the config file the one to run: an interrupted apply's backup is restored, then the
   * last good remote config wins over whatever the file holds (so an agent restart without the
   * server runs it again); without one, the local file is the initial config.
   */
  async #recoverConfigFile(): Promise<void> {
    const path = this.#o.configPath;
    const backup = await this.#store.readBackup();
    if (backup !== undefined) {
      this.#o.logger.warn({ path }, 'an earlier apply was interrupted; restoring the config it replaced');
      await writeFileAtomic(path, Buffer.from(backup));
      await this.#store.removeBackup();
    }
    const lastGood = await this.#store.loadLastGood();
    const onDisk = await readFile(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    const main = lastGood?.files[0];
    if (lastGood !== undefined && main !== undefined) {
      if (onDisk === undefined || !Buffer.from(main.body).equals(onDisk)) {
        this.#o.logger.info({ path, hash: lastGood.hashHex }, 'restoring the last good remote config');
        await writeFileAtomic(path, Buffer.from(main.body));
      }
      this.#setRunning(main.body, lastGood.files);
      this.#appliedHashHex = lastGood.hashHex;
      return;
    }
    if (onDisk === undefined) throw new CollectorStartError(`the collector config ${path} does not exist and no remote config was applied yet`);
    const name = basename(path);
    this.#setRunning(onDisk, [{ name, contentType: CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/yaml', body: Uint8Array.from(onDisk) }]);
  }

  #setRunning(bytes: Uint8Array, files: readonly ConfigFile[]): void {
    this.#running = { bytes: Uint8Array.from(bytes), text: Buffer.from(bytes).toString('utf8') };
    this.#effective = Object.freeze(files.map((f) => Object.freeze({ ...f })));
  }

  #onProcessEvent(event: ProcessEvent): void {
    if (event.type === 'started') {
      this.#tracker.processStarted(event.process.startedAtUnixNano);
      this.#monitor.nudge();
    } else if (event.type === 'crashed') {
      this.#tracker.processCrashed(event.reason, this.#processes.state !== 'crash-loop');
    } else {
      this.#tracker.processStopped();
    }
  }
}
