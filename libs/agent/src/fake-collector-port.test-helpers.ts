import type { ApplyOutcome, CollectorHealth, CollectorPort, ConfigFile } from './collector-port.js';

/** One call the agent made on the port. */
export type PortCall = 'start' | 'apply' | 'restart' | 'stop';

/**
 * A CollectorPort for the agent-loop specs: records calls, applies by
 * keeping the files (or fails with a scripted reason), emits health
 * changes on demand.
 */
export class FakeCollectorPort implements CollectorPort {
  readonly calls: PortCall[] = [];
  readonly applied: { files: readonly ConfigFile[]; hash: string }[] = [];
  /** The next applies fail with these reasons, in order (then they succeed). */
  readonly failures: string[] = [];
  /** How long an apply takes (ms). */
  applyDelayMs = 0;
  #effective: readonly ConfigFile[];
  #appliedHash: Uint8Array | undefined;
  #health: CollectorHealth;
  readonly #listeners = new Set<(health: CollectorHealth) => void>();

  constructor(initial: { files?: readonly ConfigFile[]; appliedHash?: Uint8Array } = {}) {
    this.#effective = initial.files ?? [{ name: 'collector.yaml', contentType: 'application/yaml', body: Buffer.from('receivers: {}\n') }];
    this.#appliedHash = initial.appliedHash;
    const now = BigInt(Date.now()) * 1_000_000n;
    this.#health = { healthy: true, status: 'running', lastError: '', startedAtUnixNano: now, statusTimeUnixNano: now, metrics: { cpu_usage_percent: 1.5, memory_usage_bytes: 1024 } };
  }

  async start(): Promise<void> {
    this.calls.push('start');
  }

  async applyRemoteConfig(files: readonly ConfigFile[], hash: Uint8Array, onApplying: () => void): Promise<ApplyOutcome> {
    this.calls.push('apply');
    this.applied.push({ files, hash: Buffer.from(hash).toString('hex') });
    onApplying();
    await new Promise((resolve) => setTimeout(resolve, this.applyDelayMs));
    const failure = this.failures.shift();
    if (failure !== undefined) return { status: 'FAILED', errorMessage: failure };
    this.#effective = files.filter((f) => f.name !== 'shepherd.signature.json');
    this.#appliedHash = hash;
    return { status: 'APPLIED' };
  }

  effectiveConfig(): readonly ConfigFile[] {
    return this.#effective;
  }

  appliedHash(): Uint8Array | undefined {
    return this.#appliedHash;
  }

  async restart(): Promise<void> {
    this.calls.push('restart');
    this.setHealth({ healthy: false, status: 'restarting' });
    this.setHealth({ healthy: true, status: 'running' });
  }

  health(): CollectorHealth {
    return this.#health;
  }

  onHealthChange(listener: (health: CollectorHealth) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.calls.push('stop');
  }

  /** Changes the health and tells the listeners. */
  setHealth(change: Partial<CollectorHealth>): void {
    this.#health = { ...this.#health, ...change, statusTimeUnixNano: BigInt(Date.now()) * 1_000_000n };
    for (const listener of this.#listeners) listener(this.#health);
  }
}
