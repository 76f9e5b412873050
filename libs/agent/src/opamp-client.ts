import { EventEmitter } from 'node:events';
import {
  AgentCapabilities as AC,
  CommandType,
  ServerErrorResponseType,
  ServerToAgentFlags,
  hasCapability,
  isValidUid,
  uidToString,
  type IAgentToServer,
  type ServerToAgent,
  type opamp,
} from '@shepherd/proto';
import {
  HttpTransport,
  StatusReport,
  WsTransport,
  retryInfoMs,
  type ConnectFailure,
  type OpampTransport,
  type RemoteConfigState,
  type ReplyAction,
  type TlsMaterial,
  type TransportHost,
  type TransportSettings,
} from '@shepherd/agent-transport';
import { errorFields, silentLogger, type AgentLogger } from './agent-logger.js';
import type { ConfigFile } from './collector-port.js';

/** A remote config the server offered. */
export interface RemoteConfigOffer {
  readonly hash: Uint8Array;
  /** The files; empty when the server left the body out (it believes we have this hash). */
  readonly files: readonly ConfigFile[];
}

/** Where the client keeps its instance uid between runs. */
export interface InstanceUidPersistence {
  loadOrCreate(): Promise<Uint8Array>;
  save(uid: Uint8Array): Promise<void>;
}

/** Options of {@link OpampClient}. */
export interface OpampClientOptions {
  readonly endpoint: string;
  readonly transport: 'websocket' | 'http';
  readonly headers?: Readonly<Record<string, string>>;
  readonly tls?: TlsMaterial;
  readonly reconnect: { readonly initialMs: number; readonly maxMs: number };
  readonly pollIntervalMs: number;
  readonly capabilities: bigint;
  readonly description: opamp.IAgentDescription;
  readonly uidStore: InstanceUidPersistence;
  readonly logger?: AgentLogger;
  readonly random?: () => number;
  /** Called for every remote_config (only when AcceptsRemoteConfig is declared). */
  readonly onRemoteConfig?: (offer: RemoteConfigOffer) => void;
  /** Called for a Restart command (only when AcceptsRestartCommand is declared). */
  readonly onRestartCommand?: () => void;
}

/** Events of an {@link OpampClient}, for logs and tests. */
export interface OpampClientEvents {
  connected: [];
  disconnected: [reason: string];
  connectFailed: [failure: ConnectFailure];
  sent: [message: IAgentToServer];
  received: [message: ServerToAgent];
  uidChanged: [uid: string, previous: string];
}

/**
 * The agent's OpAMP connection (wire-facts §6): one transport (WebSocket or
 * plain HTTP), the persistent instance uid, honest capabilities, status
 * compression with ReportFullState honoured, server-assigned uids adopted
 * and persisted, Unavailable/Retry-After honoured, and agent_disconnect on
 * {@link stop}. What the server offers is handed to the callbacks; what the
 * agent reports is set with the `set*` methods and sent when it changes.
 */
export class OpampClient extends EventEmitter<OpampClientEvents> {
  readonly #options: OpampClientOptions;
  readonly #logger: AgentLogger;
  #report: StatusReport | undefined;
  #transport: OpampTransport | undefined;
  readonly #knownUids = new Set<string>();
  #connected = false;
  #stopped = false;
  /** Latest values set before start(), applied once the report exists. */
  #early: Array<(report: StatusReport) => void> = [];

  constructor(options: OpampClientOptions) {
    super();
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** The uid in use (canonical text); undefined before start(). */
  get instanceUid(): string | undefined {
    return this.#report === undefined ? undefined : uidToString(this.#report.uid);
  }

  get connected(): boolean {
    return this.#connected;
  }

  get capabilities(): bigint {
    return this.#options.capabilities;
  }

  /** The RemoteConfigStatus the client reports now. */
  get remoteConfigStatus(): RemoteConfigState | undefined {
    return this.#report?.remoteConfigStatus;
  }

  /**
   * Loads (or creates) the instance uid and connects; returns once the
   * first attempt is under way, not when it succeeds (the agent runs
   * without a server).
   * @throws what the uid store throws.
   */
  async start(): Promise<void> {
    if (this.#report !== undefined) throw new Error('OpampClient already started');
    const uid = await this.#options.uidStore.loadOrCreate();
    const report = new StatusReport(uid, this.#options.capabilities, this.#options.description);
    for (const apply of this.#early.splice(0)) apply(report);
    this.#report = report;
    this.#knownUids.add(uidToString(uid));
    const settings: TransportSettings = {
      endpoint: this.#options.endpoint,
      headers: this.#options.headers ?? {},
      tls: this.#options.tls ?? { rejectUnauthorized: true },
      reconnect: this.#options.reconnect,
      pollIntervalMs: this.#options.pollIntervalMs,
      ...(this.#options.random === undefined ? {} : { random: this.#options.random }),
    };
    const host = this.#transportHost(report);
    this.#transport = this.#options.transport === 'http' ? new HttpTransport(host, settings) : new WsTransport(host, settings);
    this.#transport.start();
  }

  /** Sends agent_disconnect (when connected) and closes. Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#transport?.stop();
  }

  setHealth(health: opamp.IComponentHealth): void {
    this.#update((r) => r.setHealth(health));
  }

  setEffectiveConfig(files: readonly ConfigFile[]): void {
    this.#update((r) => r.setEffectiveConfig(files));
  }

  setRemoteConfigStatus(state: RemoteConfigState): void {
    this.#update((r) => r.setRemoteConfigStatus(state));
  }

  #update(change: (report: StatusReport) => void): void {
    if (this.#report === undefined) {
      this.#early.push(change);
      return;
    }
    change(this.#report);
    if (!this.#stopped) this.#transport?.kick();
  }

  #transportHost(report: StatusReport): TransportHost {
    return {
      build: (opts) => report.build(opts),
      hasPending: () => report.hasPending(),
      requeue: (parts) => report.requeue(parts),
      onSent: (message) => this.emit('sent', message),
      onReply: (message) => this.#onReply(report, message),
      onConnected: () => {
        this.#connected = true;
        this.#logger.info({ endpoint: this.#options.endpoint, transport: this.#options.transport }, 'connected to the OpAMP server');
        this.emit('connected');
      },
      onDisconnected: (reason) => {
        this.#connected = false;
        this.#logger.warn({ reason }, 'disconnected from the OpAMP server');
        this.emit('disconnected', reason);
      },
      onConnectFailed: (failure) => {
        this.#logger.warn({ ...errorFields(failure.error), status: failure.status, retryAfterMs: failure.retryAfterMs }, 'OpAMP connection attempt failed');
        this.emit('connectFailed', failure);
      },
      onRetryScheduled: (delayMs, reason) => this.#logger.debug({ delayMs, reason }, 'next OpAMP attempt scheduled'),
      onProtocolError: (problem) => this.#logger.warn({ problem }, 'the OpAMP server broke a protocol rule; carrying on'),
    };
  }

  #onReply(report: StatusReport, message: ServerToAgent): ReplyAction {
    this.emit('received', message);
    const addressee = isValidUid(message.instanceUid) ? uidToString(message.instanceUid) : '';
    if (!this.#knownUids.has(addressee)) {
      // One socket may carry several agents behind a proxy (wire-facts §6.2): not ours, not acted on.
      this.#logger.warn({ addressee }, 'ignored a ServerToAgent addressed to another instance uid');
      return { kind: 'ok' };
    }
    const error = message.errorResponse;
    if (error !== null && error !== undefined) return this.#onErrorResponse(error);
    this.#adoptNewUid(report, message.agentIdentification?.newInstanceUid);
    if (message.command !== null && message.command !== undefined) {
      // A command message carries nothing else that counts (wire-facts §6.13).
      this.#onCommand(message.command);
      return { kind: 'ok' };
    }
    if (hasCapability(message.flags ?? 0, ServerToAgentFlags.ServerToAgentFlags_ReportFullState)) report.markAll();
    if (message.remoteConfig !== null && message.remoteConfig !== undefined) this.#onRemoteConfig(message.remoteConfig);
    if (report.hasPending()) queueMicrotask(() => this.#transport?.kick());
    return { kind: 'ok' };
  }

  #onErrorResponse(error: opamp.IServerErrorResponse): ReplyAction {
    const type = error.type ?? ServerErrorResponseType.ServerErrorResponseType_Unknown;
    if (type === ServerErrorResponseType.ServerErrorResponseType_Unavailable) {
      const retryAfterMs = retryInfoMs(error.retryInfo?.retryAfterNanoseconds);
      this.#logger.warn({ retryAfterMs, message: error.errorMessage }, 'OpAMP server is unavailable: disconnecting to retry later');
      return { kind: 'unavailable', retryAfterMs };
    }
    // BadRequest and Unknown: the spec says not to retry that message; log it loudly, carry on.
    this.#logger.error({ type, message: error.errorMessage }, 'OpAMP server refused a message');
    return { kind: 'ok' };
  }

  #adoptNewUid(report: StatusReport, newUid: Uint8Array | null | undefined): void {
    if (newUid === null || newUid === undefined || newUid.length === 0) return;
    if (newUid.length !== 16) {
      this.#logger.error({ bytes: newUid.length }, 'ignored a new_instance_uid that is not 16 bytes');
      return;
    }
    const previous = uidToString(report.uid);
    const next = uidToString(newUid);
    if (next === previous) return;
    report.uid = Uint8Array.from(newUid);
    report.markAll();
    this.#knownUids.add(next);
    this.#logger.info({ uid: next, previous }, 'the server assigned a new instance uid');
    this.#options.uidStore.save(report.uid).catch((err: unknown) => {
      this.#logger.error(errorFields(err), 'could not persist the new instance uid: it is used until the agent restarts');
    });
    this.emit('uidChanged', next, previous);
  }

  #onCommand(command: opamp.IServerToAgentCommand): void {
    const type = command.type ?? CommandType.CommandType_Restart;
    if (!hasCapability(this.#options.capabilities, AC.AgentCapabilities_AcceptsRestartCommand)) {
      this.#logger.warn({ type }, 'ignored a command: AcceptsRestartCommand is not declared');
      return;
    }
    if (type !== CommandType.CommandType_Restart) {
      this.#logger.warn({ type }, 'ignored an unknown command type');
      return;
    }
    this.#options.onRestartCommand?.();
  }

  #onRemoteConfig(remote: opamp.IAgentRemoteConfig): void {
    if (!hasCapability(this.#options.capabilities, AC.AgentCapabilities_AcceptsRemoteConfig)) {
      this.#logger.warn({}, 'ignored a remote config: AcceptsRemoteConfig is not declared');
      return;
    }
    const hash = Uint8Array.from(remote.configHash ?? []);
    if (hash.length === 0) {
      this.#logger.warn({}, 'ignored a remote config without config_hash');
      return;
    }
    const files = Object.entries(remote.config?.configMap ?? {}).map(([name, file]) => ({
      name,
      contentType: file.contentType ?? '',
      // Copied out of the message buffer, which the decoder may reuse.
      body: Uint8Array.from(file.body ?? []),
    }));
    this.#options.onRemoteConfig?.({ hash, files });
  }
}
