import { errorFields, silentLogger, type AgentLogger } from './agent-logger.js';
import { declaredCapabilities } from './agent-capabilities.js';
import type { AgentConfig } from './agent-config.js';
import { agentDescription } from './agent-description.js';
import type { CollectorHealth, CollectorPort } from './collector-port.js';
import { componentHealthOf } from './health-report.js';
import { InstanceUidStore } from './instance-uid-store.js';
import { OpampClient, type InstanceUidPersistence, type RemoteConfigOffer } from './opamp-client.js';
import type { TlsMaterial } from './tls-options.js';

/** Options of {@link ShepherdAgent}. */
export interface ShepherdAgentOptions {
  readonly config: AgentConfig;
  /** Collector supervision (production: `createCollectorSupervisor`). */
  readonly collector: CollectorPort;
  /** TLS files of `opamp.server.tls`, already read (`loadTlsMaterial`). */
  readonly tls?: TlsMaterial;
  readonly logger?: AgentLogger;
  /** Reported as `shepherd.agent.version`. */
  readonly agentVersion?: string;
  /** Default: `instance-uid` under the config's state dir. */
  readonly uidStore?: InstanceUidPersistence;
  readonly random?: () => number;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/**
 * The agent: its OpAMP connection wired to collector supervision.
 *
 * - remote config → `collector.applyRemoteConfig` (APPLYING reported through
 *   the callback, then APPLIED or FAILED with the reason), one apply at a
 *   time, only the newest offer kept while one runs; then the effective
 *   config;
 * - health on every change and every `health.report_interval`;
 * - the Restart command → `collector.restart()`;
 * - start: the collector first, on its last good config, so it runs whether
 *   or not the server is reachable; stop: agent_disconnect, then the collector.
 */
export class ShepherdAgent {
  readonly client: OpampClient;
  readonly #config: AgentConfig;
  readonly #collector: CollectorPort;
  readonly #logger: AgentLogger;
  #pending: RemoteConfigOffer | undefined;
  #applying: Promise<void> | undefined;
  /** Hex hash whose final outcome (APPLIED/FAILED) was reported; an offer of it again is not re-applied. */
  #settledHash: string | undefined;
  /** Hex hash being applied now. */
  #inFlightHash: string | undefined;
  #healthTimer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #stopped = false;

  constructor(options: ShepherdAgentOptions) {
    const { config } = options;
    this.#config = config;
    this.#collector = options.collector;
    this.#logger = options.logger ?? silentLogger;
    this.client = new OpampClient({
      endpoint: config.server.endpoint,
      transport: config.server.transport,
      headers: config.server.headers,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      reconnect: config.server.reconnect,
      pollIntervalMs: config.server.pollIntervalMs,
      capabilities: declaredCapabilities(config.capabilities),
      description: agentDescription(config.agent, options.agentVersion ?? '0.0.0'),
      uidStore: options.uidStore ?? new InstanceUidStore(config.stateDir),
      logger: this.#logger,
      ...(options.random === undefined ? {} : { random: options.random }),
      onRemoteConfig: (offer) => this.#offer(offer),
      onRestartCommand: () => void this.#restart(),
    });
  }

  /** The OpAMP instance uid (canonical text); undefined before start(). */
  get instanceUid(): string | undefined {
    return this.client.instanceUid;
  }

  /**
   * Starts the collector, then the OpAMP connection (which keeps trying in
   * the background until the server answers).
   * @throws what the collector's start or the uid store throws.
   */
  async start(): Promise<void> {
    await this.#collector.start();
    const applied = this.#collector.appliedHash();
    if (applied !== undefined) {
      // Without this the server would offer the config we already run again after every restart.
      this.#settledHash = hex(applied);
      this.client.setRemoteConfigStatus({ hash: applied, status: 'APPLIED', errorMessage: '' });
    }
    this.client.setEffectiveConfig(this.#collector.effectiveConfig());
    this.#reportHealth(this.#collector.health());
    this.#unsubscribe = this.#collector.onHealthChange((health) => this.#reportHealth(health));
    this.#healthTimer = setInterval(() => this.#reportHealth(this.#collector.health()), this.#config.health.reportIntervalMs);
    this.#healthTimer.unref();
    await this.client.start();
    this.#logger.info({ instanceUid: this.client.instanceUid, endpoint: this.#config.server.endpoint }, 'agent started');
  }

  /** agent_disconnect and close, then the collector stops (after any apply in progress). Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#healthTimer);
    this.#unsubscribe?.();
    this.#pending = undefined;
    await this.client.stop();
    await this.#applying;
    await this.#collector.stop();
  }

  #reportHealth(health: CollectorHealth): void {
    if (this.#config.capabilities.reportsHealth) this.client.setHealth(componentHealthOf(health, this.#config.health.metrics));
  }

  #offer(offer: RemoteConfigOffer): void {
    if (this.#stopped) return;
    const hash = hex(offer.hash);
    if (hash === this.#settledHash || hash === this.#inFlightHash) return;
    if (offer.files.length === 0) {
      this.#logger.warn({ hash }, 'remote config offered without its files for a hash this agent does not run: waiting for the body');
      return;
    }
    this.#pending = offer;
    this.#applying ??= this.#drain().finally(() => (this.#applying = undefined));
  }

  async #drain(): Promise<void> {
    for (let offer = this.#pending; offer !== undefined && !this.#stopped; offer = this.#pending) {
      this.#pending = undefined;
      this.#inFlightHash = hex(offer.hash);
      await this.#apply(offer);
      this.#inFlightHash = undefined;
    }
  }

  async #apply(offer: RemoteConfigOffer): Promise<void> {
    const hash = hex(offer.hash);
    this.#logger.info({ hash, files: offer.files.map((f) => f.name) }, 'applying a remote config');
    let outcome;
    try {
      outcome = await this.#collector.applyRemoteConfig(offer.files, offer.hash, () =>
        this.client.setRemoteConfigStatus({ hash: offer.hash, status: 'APPLYING', errorMessage: '' }),
      );
    } catch (err) {
      // The port reports failures as outcomes; a throw is a bug, still reported rather than lost.
      this.#logger.error(errorFields(err), 'remote config apply threw');
      outcome = { status: 'FAILED' as const, errorMessage: `internal error: ${(err as Error).message}` };
    }
    this.#settledHash = hash;
    const errorMessage = outcome.status === 'FAILED' ? (outcome.errorMessage ?? 'failed') : '';
    this.client.setRemoteConfigStatus({ hash: offer.hash, status: outcome.status, errorMessage });
    this.client.setEffectiveConfig(this.#collector.effectiveConfig());
    this.#reportHealth(this.#collector.health());
    if (outcome.status === 'APPLIED') this.#logger.debug({ hash }, 'remote config applied');
    else this.#logger.warn({ hash, errorMessage }, 'remote config failed; the collector keeps its previous config');
  }

  async #restart(): Promise<void> {
    if (this.#stopped) return;
    this.#logger.info({}, 'restart command received: restarting the collector');
    try {
      await this.#collector.restart();
      this.#logger.info({}, 'collector restarted');
    } catch (err) {
      this.#logger.error(errorFields(err), 'collector restart failed');
    }
    this.#reportHealth(this.#collector.health());
  }
}
