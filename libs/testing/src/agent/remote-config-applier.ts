import type { AgentReport } from './agent-report.js';
import type { FakeConfigFiles } from './fake-agent-options.js';

/** What happened to one offered remote config. */
export interface RemoteConfigOutcome {
  /** Hex of the offered config_hash. */
  readonly hash: string;
  readonly files: FakeConfigFiles;
  readonly status: 'APPLIED' | 'FAILED';
  /** The thrown message when FAILED, else ''. */
  readonly errorMessage: string;
}

/** What the applier needs from its agent. */
export interface ApplierHost {
  readonly report: AgentReport;
  readonly applyConfig: (files: FakeConfigFiles, hashHex: string) => Promise<void> | void;
  /** True when the agent declares ReportsRemoteConfig. */
  reportsStatus(): boolean;
  /** Send what changed now, if the transport allows. */
  kick(): void;
  /** Resolves true once a message reflecting state `version` reached the server, false if the agent stopped. */
  whenDelivered(version: number): Promise<boolean>;
  isStopped(): boolean;
  onOutcome(outcome: RemoteConfigOutcome): void;
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err)) || 'apply failed';

/**
 * Applies offered remote configs one at a time, like a real agent: report
 * APPLYING with the hash and wait until the server has it, apply, then report
 * APPLIED (with the new effective config) or FAILED with the error message.
 * A hash that is being applied, waiting, or was the last one reported is not
 * applied again (no report loop with a server that re-offers); of several
 * offers arriving during an apply only the latest is kept.
 */
export class RemoteConfigApplier {
  readonly #host: ApplierHost;
  #pending: { hash: string; files: FakeConfigFiles } | undefined;
  #running: string | undefined;
  #lastDone = '';

  constructor(host: ApplierHost) {
    this.#host = host;
  }

  offer(hash: string, files: FakeConfigFiles): void {
    if (hash === this.#lastDone || hash === this.#running || hash === this.#pending?.hash) return;
    this.#pending = { hash, files };
    if (this.#running === undefined) void this.#drain();
  }

  async #drain(): Promise<void> {
    for (let next = this.#pending; next !== undefined; next = this.#pending) {
      this.#pending = undefined;
      this.#running = next.hash;
      try {
        await this.#applyOne(next.hash, next.files);
      } finally {
        this.#running = undefined;
      }
    }
  }

  async #applyOne(hash: string, files: FakeConfigFiles): Promise<void> {
    const host = this.#host;
    if (host.reportsStatus()) {
      host.report.setRemoteConfigStatus({ hash, status: 'APPLYING', errorMessage: '' });
      const version = host.report.version;
      host.kick();
      if (!(await host.whenDelivered(version))) return;
    }
    let errorMessage: string | undefined;
    try {
      await host.applyConfig(files, hash);
    } catch (err) {
      errorMessage = messageOf(err);
    }
    if (host.isStopped()) return;
    this.#lastDone = hash;
    if (errorMessage === undefined) {
      host.report.setEffectiveConfig(files);
    }
    const status = errorMessage === undefined ? 'APPLIED' : 'FAILED';
    host.report.setRemoteConfigStatus({ hash, status, errorMessage: errorMessage ?? '' });
    host.onOutcome({ hash, files, status, errorMessage: errorMessage ?? '' });
    host.kick();
  }
}
