import { EventEmitter } from 'node:events';
import type { ReplyAction } from '@shepherd/agent-transport';
import {
  AgentCapabilities as AC,
  ServerToAgentFlags,
  decodeAgentToServer,
  hasCapability,
  toBigInt,
  uidToString,
  type AgentToServer,
  type BitMask,
  type ServerToAgent,
} from '@shepherd/proto';
import { AgentDriver, type ConnectErrorInfo, type DisconnectInfo, type DriverHost } from './agent-driver.js';
import { AgentReport, configFilesOf, type FakeHealth, type FakeRemoteConfigStatus } from './agent-report.js';
import { fakeAgentSettings, type FakeAgentDescription, type FakeAgentOptions, type FakeAgentSettings, type FakeConfigFiles } from './fake-agent-options.js';
import { RemoteConfigApplier, type RemoteConfigOutcome } from './remote-config-applier.js';
import { replyViolations, verdictOf } from './reply-checks.js';
import { ChangeWatchers, type ChangeWaitOptions } from '../change-watchers.js';

/** Events of a {@link FakeAgent}. */
export interface FakeAgentEvents {
  connected: [endpoint: string];
  disconnected: [info: DisconnectInfo];
  connectError: [info: ConnectErrorInfo];
  message: [message: ServerToAgent];
  remoteConfig: [outcome: RemoteConfigOutcome];
}

/** Options of {@link FakeAgent.waitFor}. */
export type FakeAgentWaitOptions = ChangeWaitOptions;

function pushBounded<T>(list: T[], item: T, limit: number): void {
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}

/**
 * An OpAMP agent for tests, over WebSocket or plain HTTP, on the reference
 * agent's own transports and status report (@shepherd/agent-transport). It behaves like a real agent: sequence numbers from 0,
 * full state first and on ReportFullState, status compression afterwards,
 * heartbeats/polls, adopting a new_instance_uid, applying remote configs
 * (APPLYING → APPLIED/FAILED, then the effective config), honouring
 * Unavailable with retry_after (capped by `maxRetryAfterMs`), reconnecting
 * with backoff to the next endpoint, and agent_disconnect on `stop()`.
 *
 * Everything it sees is observable: `received`, `sent`, `appliedHashes`,
 * `currentConfig`, `violations` (protocol rules the server broke) and
 * `connectErrors`; `waitFor()` re-evaluates a predicate on every change.
 */
export class FakeAgent extends EventEmitter<FakeAgentEvents> {
  readonly settings: FakeAgentSettings;
  /** Every ServerToAgent received, oldest first (bounded by `historyLimit`). */
  readonly received: ServerToAgent[] = [];
  /** Every AgentToServer sent, oldest first (bounded). */
  readonly sent: AgentToServer[] = [];
  /** Hex hashes of the configs applied successfully, in order. */
  readonly appliedHashes: string[] = [];
  /** Protocol rules the server broke, as sentences (bounded). */
  readonly violations: string[] = [];
  /** Failed connection attempts and HTTP exchanges (bounded). */
  readonly connectErrors: ConnectErrorInfo[] = [];
  readonly #report: AgentReport;
  readonly #driver: AgentDriver;
  readonly #applier: RemoteConfigApplier;
  readonly #knownUids = new Set<string>();
  readonly #watchers = new ChangeWatchers<this>(this, () => `FakeAgent ${this.instanceUid}`);
  #deliveryWaiters: { version: number; resolve: (delivered: boolean) => void }[] = [];
  #deliveredVersion = -1;
  #connected = false;
  #endpoint: string | undefined;
  #started = false;
  #stopped = false;
  #receivedCount = 0;

  constructor(options: FakeAgentOptions) {
    super();
    this.settings = fakeAgentSettings(options);
    this.#report = new AgentReport(this.settings.instanceUid, this.settings.capabilities, this.settings.description);
    this.#knownUids.add(uidToString(this.settings.instanceUid));
    this.#driver = new AgentDriver(this.#driverHost());
    this.#applier = new RemoteConfigApplier({
      report: this.#report,
      applyConfig: this.settings.applyConfig,
      reportsStatus: () => hasCapability(this.#report.capabilities, AC.AgentCapabilities_ReportsRemoteConfig),
      kick: () => this.#driver.kick(),
      whenDelivered: (version) => this.#whenDelivered(version),
      isStopped: () => this.#stopped,
      onOutcome: (outcome) => this.#onOutcome(outcome),
    });
  }

  /** The uid in use (canonical text); changes when the server assigns a new one. */
  get instanceUid(): string {
    return uidToString(this.#report.uid);
  }

  get instanceUidBytes(): Uint8Array {
    return Uint8Array.from(this.#report.uid);
  }

  /** WS: the socket is open. HTTP: the last exchange succeeded. */
  get connected(): boolean {
    return this.#connected;
  }

  /** The endpoint of the current (or last) connection. */
  get endpoint(): string | undefined {
    return this.#endpoint;
  }

  /** The config the agent runs: the last remote config applied ({} before any). */
  get currentConfig(): FakeConfigFiles {
    return this.#report.effectiveConfig;
  }

  get remoteConfigStatus(): FakeRemoteConfigStatus {
    return this.#report.remoteConfigStatus;
  }

  get capabilities(): bigint {
    return this.#report.capabilities;
  }

  /** sequence_num of the last message built (-1n before the first). */
  get lastSequenceNum(): bigint {
    return this.#report.lastSequenceNum;
  }

  /** How many ServerToAgent messages arrived in total (`received` is bounded). */
  get receivedCount(): number {
    return this.#receivedCount;
  }

  /** Connects (WS) or starts polling (HTTP). Call once. */
  start(): this {
    if (this.#started) throw new Error('FakeAgent already started');
    this.#started = true;
    this.#driver.start();
    return this;
  }

  /** Sends agent_disconnect (when connected), closes, stops every timer. Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#driver.stop();
    for (const waiter of this.#deliveryWaiters) waiter.resolve(false);
    this.#deliveryWaiters = [];
    this.#changed();
  }

  /** Changes the description; the next message carries it. */
  setDescription(description: FakeAgentDescription): void {
    this.#report.setDescription({ identifying: { ...description.identifying }, nonIdentifying: { ...(description.nonIdentifying ?? {}) } });
    this.#driver.kick();
  }

  /** Changes the reported health (sent when ReportsHealth is declared). */
  setHealth(health: FakeHealth): void {
    this.#report.setHealth({ ...health });
    this.#driver.kick();
  }

  /** Declares other capabilities from the next message on (wire-facts §7.33). */
  setCapabilities(capabilities: BitMask): void {
    this.#report.setCapabilities(BigInt.asUintN(64, toBigInt(capabilities)));
    this.#driver.kick();
  }

  /**
   * Resolves with the first value of `predicate` other than undefined, null
   * or false, evaluating it now and after every change of the agent
   * (message in or out, connection change, config outcome, violation).
   * Rejects after `timeoutMs` naming `description`, or with the predicate's error.
   */
  waitFor<T>(predicate: (agent: this) => T | undefined | null | false, options: FakeAgentWaitOptions = {}): Promise<T> {
    return this.#watchers.waitFor(predicate, options);
  }

  #changed(): void {
    this.#watchers.notify();
  }

  #violation(text: string): void {
    pushBounded(this.violations, text, this.settings.historyLimit);
    this.#changed();
  }

  #whenDelivered(version: number): Promise<boolean> {
    if (this.#stopped) return Promise.resolve(false);
    if (this.#deliveredVersion >= version) return Promise.resolve(true);
    return new Promise((resolve) => this.#deliveryWaiters.push({ version, resolve }));
  }

  #onDelivered(version: number): void {
    this.#deliveredVersion = Math.max(this.#deliveredVersion, version);
    const ready = this.#deliveryWaiters.filter((w) => w.version <= this.#deliveredVersion);
    this.#deliveryWaiters = this.#deliveryWaiters.filter((w) => w.version > this.#deliveredVersion);
    for (const waiter of ready) waiter.resolve(true);
  }

  #onOutcome(outcome: RemoteConfigOutcome): void {
    if (outcome.status === 'APPLIED') pushBounded(this.appliedHashes, outcome.hash, this.settings.historyLimit);
    this.emit('remoteConfig', outcome);
    this.#changed();
  }

  #handleReply(message: ServerToAgent): ReplyAction {
    pushBounded(this.received, message, this.settings.historyLimit);
    this.#receivedCount += 1;
    const problems = replyViolations(message, this.#knownUids);
    for (const problem of problems) pushBounded(this.violations, problem, this.settings.historyLimit);
    this.emit('message', message);
    const foreign = problems.some((p) => p.includes('is not this agent'));
    const verdict: ReplyAction = foreign ? { kind: 'ok' } : verdictOf(message, this.settings.maxRetryAfterMs);
    if (!foreign && verdict.kind === 'ok') this.#applyReply(message);
    this.#changed();
    return verdict;
  }

  #applyReply(message: ServerToAgent): void {
    const newUid = message.agentIdentification?.newInstanceUid;
    if (newUid !== undefined && newUid !== null) {
      if (newUid.length === 16) {
        this.#report.uid = Uint8Array.from(newUid);
        this.#knownUids.add(uidToString(newUid));
      } else {
        this.#violation(`new_instance_uid has ${newUid.length} bytes, not 16`);
      }
    }
    if (hasCapability(message.flags ?? 0, ServerToAgentFlags.ServerToAgentFlags_ReportFullState)) this.#report.markAll();
    if (message.remoteConfig) this.#offerConfig(message.remoteConfig);
    if (this.#report.hasPending()) this.#driver.kick();
  }

  #offerConfig(remoteConfig: NonNullable<ServerToAgent['remoteConfig']>): void {
    if (!hasCapability(this.#report.capabilities, AC.AgentCapabilities_AcceptsRemoteConfig)) {
      this.#violation('remote_config sent to an agent without AcceptsRemoteConfig');
      return;
    }
    const hash = Buffer.from(remoteConfig.configHash ?? new Uint8Array()).toString('hex');
    if (hash === '') {
      this.#violation('remote_config without config_hash');
      return;
    }
    this.#applier.offer(hash, configFilesOf(remoteConfig.config));
  }

  #driverHost(): DriverHost {
    return {
      settings: this.settings,
      report: this.#report,
      sendsHeartbeats: () => hasCapability(this.#report.capabilities, AC.AgentCapabilities_ReportsHeartbeat),
      onSent: (bytes) => {
        pushBounded(this.sent, decodeAgentToServer(bytes), this.settings.historyLimit);
        this.#changed();
      },
      onDelivered: (version) => this.#onDelivered(version),
      handleReply: (message) => this.#handleReply(message),
      onConnected: (endpoint) => {
        this.#connected = true;
        this.#endpoint = endpoint;
        this.emit('connected', endpoint);
        this.#changed();
      },
      onDisconnected: (info) => {
        this.#connected = false;
        this.emit('disconnected', info);
        this.#changed();
      },
      onConnectError: (info) => {
        pushBounded(this.connectErrors, info, this.settings.historyLimit);
        this.emit('connectError', info);
        this.#changed();
      },
      onViolation: (text) => this.#violation(text),
    };
  }
}

/**
 * Creates and starts a FakeAgent and waits for its first reply.
 * @throws Error when no reply arrives within `timeoutMs` (default 5000); the
 *   agent is stopped first and the error names the last connect error.
 */
export async function startFakeAgent(options: FakeAgentOptions, timeoutMs = 5000): Promise<FakeAgent> {
  const agent = new FakeAgent(options).start();
  try {
    await agent.waitFor((a) => a.connected && a.receivedCount > 0, { timeoutMs, description: 'the first reply' });
    return agent;
  } catch (err) {
    await agent.stop();
    const last = agent.connectErrors.at(-1);
    throw new Error(`${(err as Error).message}${last ? `; last connect error: ${last.error.message}` : ''}`, { cause: err });
  }
}
