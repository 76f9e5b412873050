/**
 * A harness around the real @elastic/opamp-client-node 0.5.0 (plain HTTP
 * only), for interop tests. The client is loaded lazily so that importing
 * @shepherd/testing does not load it (nor undici) for every test.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { uidFromString, uidToString } from '@shepherd/proto';
import { ChangeWatchers, type ChangeWaitOptions } from '../change-watchers.js';
import type { FakeConfigFiles } from '../agent/fake-agent-options.js';
import type { RemoteConfigOutcome } from '../agent/remote-config-applier.js';
import {
  exchangeOf,
  failureOf,
  filesOf,
  type ElasticExchange,
  type ElasticFailure,
  type ElasticS2A,
  type ElasticSendFail,
  type ElasticSendSuccess,
} from './elastic-wire.js';

/** Options of {@link startElasticAgent}. */
export interface ElasticAgentOptions {
  /** http(s)://host:port/path; the client posts to the URL's origin + pathname (the query is dropped). */
  readonly endpoint: string;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** Reported as non-identifying attributes (what label selectors match). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Identifying attributes; default `{ 'service.name': 'elastic-opamp-client' }`. */
  readonly identifying?: Readonly<Record<string, string>>;
  /** Default: the client makes a UUID v7. */
  readonly instanceUid?: string;
  /** Heartbeat (= poll) interval; the client accepts 0.1 … 86 400 s. Default 1 s (client default 30 s). */
  readonly heartbeatSeconds?: number;
  /** Declare AcceptsRemoteConfig | ReportsRemoteConfig (default true). */
  readonly acceptsRemoteConfig?: boolean;
  /** Applies a config: resolve to report APPLIED, throw/reject to report FAILED with the message. Default: accept. */
  readonly onRemoteConfig?: (files: FakeConfigFiles, hashHex: string) => Promise<void> | void;
  /** Wait this long for the first successful exchange (default 5000 ms). */
  readonly startTimeoutMs?: number;
}

/** A running Elastic client and what it saw. */
export interface ElasticAgent {
  /** The uid in use (changes when the server assigns one). */
  readonly instanceUid: string;
  /** Successful request/response pairs, oldest first (bounded to 1000). */
  readonly exchanges: readonly ElasticExchange[];
  /** Failed requests (bounded). Any failure makes the client wait ≥ 30 s. */
  readonly failures: readonly ElasticFailure[];
  /** Remote config outcomes reported back, in order. */
  readonly outcomes: readonly RemoteConfigOutcome[];
  /** Hex hashes reported APPLIED. */
  readonly appliedHashes: readonly string[];
  /** Last config applied ({} before any). */
  readonly currentConfig: FakeConfigFiles;
  /** warn/error lines the client logged (bounded). */
  readonly logs: readonly string[];
  waitFor<T>(predicate: (agent: ElasticAgent) => T | undefined | null | false, options?: ChangeWaitOptions): Promise<T>;
  /** Shuts the client down (it sends no agent_disconnect) and unsubscribes. Idempotent. */
  stop(): Promise<void>;
}

/** The parts of the client object this harness calls (its typings are loose, see elastic-wire.ts). */
interface ElasticClient {
  setAgentDescription(desc: { identifyingAttributes?: object; nonIdentifyingAttributes?: object }): void;
  setRemoteConfigStatus(status: { lastRemoteConfigHash: Uint8Array; status: number; errorMessage: string }): void;
  getInstanceUid(): Uint8Array;
  start(): void;
  shutdown(): Promise<void>;
}

const HISTORY = 1000;
const push = <T>(list: T[], item: T): void => {
  list.push(item);
  if (list.length > HISTORY) list.shift();
};

class ElasticAgentHarness implements ElasticAgent {
  readonly exchanges: ElasticExchange[] = [];
  readonly failures: ElasticFailure[] = [];
  readonly outcomes: RemoteConfigOutcome[] = [];
  readonly appliedHashes: string[] = [];
  readonly logs: string[] = [];
  currentConfig: FakeConfigFiles = Object.freeze({});
  client: ElasticClient | undefined;
  readonly #uids = new Set<string>();
  readonly #watchers = new ChangeWatchers<ElasticAgent>(this, () => `Elastic agent ${this.instanceUid}`);
  #lastHandledHash = '';
  #stopped = false;
  readonly #onSuccess = (message: unknown): void => this.#record(message as ElasticSendSuccess, true);
  readonly #onFail = (message: unknown): void => this.#record(message as ElasticSendFail, false);

  constructor(
    private readonly channels: { success: string; fail: string },
    private readonly onRemoteConfig: NonNullable<ElasticAgentOptions['onRemoteConfig']>,
    private readonly statuses: { APPLIED: number; FAILED: number },
  ) {
    subscribe(channels.success, this.#onSuccess);
    subscribe(channels.fail, this.#onFail);
  }

  get instanceUid(): string {
    return this.client ? uidToString(this.client.getInstanceUid()) : '';
  }

  adopt(uid: string): void {
    this.#uids.add(uid);
  }

  waitFor<T>(predicate: (agent: ElasticAgent) => T | undefined | null | false, options?: ChangeWaitOptions): Promise<T> {
    return this.#watchers.waitFor(predicate, options);
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    unsubscribe(this.channels.success, this.#onSuccess);
    unsubscribe(this.channels.fail, this.#onFail);
    await this.client?.shutdown();
  }

  log(level: string, args: unknown[]): void {
    const text = args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)))).join(' ');
    push(this.logs, `${level}: ${text}`);
    this.#watchers.notify();
  }

  /** Called by the client for every reply carrying remote_config (it does not de-duplicate). */
  onMessage(data: { remoteConfig?: ElasticS2A['remoteConfig'] }): void {
    const remote = data.remoteConfig;
    if (remote === undefined || this.#stopped) return;
    const hash = Buffer.from(remote.configHash).toString('hex');
    if (hash === '' || hash === this.#lastHandledHash) return;
    this.#lastHandledHash = hash;
    // The client ignores the callback's promise, so every failure must be caught here.
    void this.#apply(hash, filesOf(remote.config));
  }

  async #apply(hash: string, files: FakeConfigFiles): Promise<void> {
    let errorMessage = '';
    try {
      await this.onRemoteConfig(files, hash);
    } catch (err) {
      errorMessage = (err instanceof Error ? err.message : String(err)) || 'apply failed';
    }
    if (this.#stopped) return;
    const status = errorMessage === '' ? 'APPLIED' : 'FAILED';
    if (status === 'APPLIED') {
      this.currentConfig = files;
      push(this.appliedHashes, hash);
    }
    // errorMessage is always passed: the client merges fields, so an old message would otherwise stick.
    this.client?.setRemoteConfigStatus({ lastRemoteConfigHash: Buffer.from(hash, 'hex'), status: this.statuses[status], errorMessage });
    push(this.outcomes, { hash, files, status, errorMessage });
    this.#watchers.notify();
  }

  #record(event: ElasticSendSuccess | ElasticSendFail, ok: boolean): void {
    if (!this.#uids.has(uidToString(event.a2s.instanceUid)) && !this.#uids.has(event.instanceUidStr)) return;
    // After new_instance_uid the event names the new uid while a2s still carries the old one.
    this.#uids.add(event.instanceUidStr);
    if (ok) push(this.exchanges, exchangeOf(event as ElasticSendSuccess));
    else push(this.failures, failureOf(event as ElasticSendFail));
    this.#watchers.notify();
  }
}

function validate(options: ElasticAgentOptions): void {
  if (!/^https?:\/\//.test(options.endpoint)) {
    throw new TypeError('startElasticAgent: the Elastic client speaks plain HTTP only; endpoint must be http(s)://');
  }
  const seconds = options.heartbeatSeconds ?? 1;
  if (!(seconds >= 0.1 && seconds <= 86_400)) throw new TypeError('startElasticAgent: heartbeatSeconds must be within 0.1 … 86400');
}

/**
 * Starts the real Elastic OpAMP client against `endpoint` and waits for its
 * first successful exchange. Remote configs are handed to `onRemoteConfig`
 * once per hash, then reported APPLIED or FAILED (with the thrown message)
 * through `setRemoteConfigStatus`, the way that client expects.
 * @throws {TypeError} for a non-http endpoint or an out-of-range heartbeat.
 * @throws Error when no exchange succeeds within `startTimeoutMs`; the
 *   client is shut down first and the error quotes its last failure.
 */
export async function startElasticAgent(options: ElasticAgentOptions): Promise<ElasticAgent> {
  validate(options);
  const lib = await import('@elastic/opamp-client-node');
  const S = lib.RemoteConfigStatuses as Record<string, number>;
  const C = lib.AgentCapabilities as Record<string, number>;
  const harness = new ElasticAgentHarness(
    { success: lib.DIAG_CH_SEND_SUCCESS, fail: lib.DIAG_CH_SEND_FAIL },
    options.onRemoteConfig ?? (() => undefined),
    { APPLIED: S['RemoteConfigStatuses_APPLIED'] as number, FAILED: S['RemoteConfigStatuses_FAILED'] as number },
  );
  const accepts = options.acceptsRemoteConfig ?? true;
  const logger = Object.fromEntries(
    ['trace', 'debug', 'info', 'warn', 'error'].map((level) => [level, level === 'warn' || level === 'error' ? (...args: unknown[]) => harness.log(level, args) : () => undefined]),
  );
  harness.client = lib.createOpAMPClient({
    endpoint: options.endpoint,
    headers: options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` },
    log: logger,
    diagEnabled: true,
    heartbeatIntervalSeconds: options.heartbeatSeconds ?? 1,
    ...(options.instanceUid === undefined ? {} : { instanceUid: uidFromString(options.instanceUid) }),
    capabilities: accepts ? BigInt((C['AgentCapabilities_AcceptsRemoteConfig'] as number) | (C['AgentCapabilities_ReportsRemoteConfig'] as number)) : 0n,
    onMessage: (data: { remoteConfig?: ElasticS2A['remoteConfig'] }) => harness.onMessage(data),
  }) as unknown as ElasticClient; // the package types its messages as opaque bufbuild Messages
  harness.adopt(uidToString(harness.client.getInstanceUid()));
  harness.client.setAgentDescription({
    identifyingAttributes: { ...(options.identifying ?? { 'service.name': 'elastic-opamp-client' }) },
    nonIdentifyingAttributes: { ...(options.labels ?? {}) },
  });
  harness.client.start();
  try {
    await harness.waitFor((a) => a.exchanges.length > 0, { timeoutMs: options.startTimeoutMs ?? 5000, description: 'the first exchange' });
    return harness;
  } catch (err) {
    await harness.stop();
    const last = harness.failures.at(-1);
    throw new Error(`${(err as Error).message}${last ? `; last failure: ${last.error}` : ''}`, { cause: err });
  }
}
