import { StatusReport, type ConfigFile, type ReportPart } from '@shepherd/agent-transport';
import { toLong, type IAgentToServer, type opamp } from '@shepherd/proto';
import type { FakeAgentDescription, FakeConfigFiles } from './fake-agent-options.js';

/** The agent's health as reported in ComponentHealth. */
export interface FakeHealth {
  readonly healthy: boolean;
  readonly status: string;
  readonly lastError: string;
}

/** The agent's RemoteConfigStatus. */
export interface FakeRemoteConfigStatus {
  /** Hex of last_remote_config_hash; '' before any config arrived. */
  readonly hash: string;
  readonly status: 'UNSET' | 'APPLYING' | 'APPLIED' | 'FAILED';
  readonly errorMessage: string;
}

/** One AgentToServer ready to send, with what it carries. */
export interface BuiltReport {
  readonly message: IAgentToServer;
  readonly parts: readonly ReportPart[];
  /** State version the message reflects; see {@link AgentReport.version}. */
  readonly version: number;
}

const nowNanos = (): bigint => BigInt(Date.now()) * 1_000_000n;
const attributes = (map: Readonly<Record<string, string>>): opamp.KeyValue.$Properties[] =>
  Object.entries(map).map(([key, value]) => ({ key, value: { stringValue: value } }));

/**
 * The FakeAgent's state in test-friendly form (string attributes, hex
 * hashes, files by name) over the agent's own {@link StatusReport}, which
 * does the status compression and the sequence numbers. Unlike the agent,
 * a part that is set again goes out again even when equal, and every change
 * bumps {@link version} so the FakeAgent can tell when the server has it.
 */
export class AgentReport {
  readonly #status: StatusReport;
  readonly #startedAt = toLong(nowNanos());
  #description: Required<FakeAgentDescription>;
  #health: FakeHealth = { healthy: true, status: 'StatusOK', lastError: '' };
  #effectiveConfig: FakeConfigFiles = {};
  #remoteConfigStatus: FakeRemoteConfigStatus = { hash: '', status: 'UNSET', errorMessage: '' };
  #version = 0;

  constructor(uid: Uint8Array, capabilities: bigint, description: Required<FakeAgentDescription>) {
    this.#description = description;
    this.#status = new StatusReport(uid, capabilities, wireDescription(description));
    this.#status.setHealth(this.#wireHealth());
  }

  /** Bumped by every state change; a built message carries the version it reflects. */
  get version(): number {
    return this.#version;
  }

  get uid(): Uint8Array {
    return this.#status.uid;
  }

  set uid(uid: Uint8Array) {
    this.#status.uid = uid;
  }

  get capabilities(): bigint {
    return this.#status.capabilities;
  }

  get effectiveConfig(): FakeConfigFiles {
    return this.#effectiveConfig;
  }

  get remoteConfigStatus(): FakeRemoteConfigStatus {
    return this.#remoteConfigStatus;
  }

  /** The sequence number the last built message carried, or -1 before the first. */
  get lastSequenceNum(): bigint {
    return this.#status.lastSequenceNum;
  }

  /** Declares other capabilities; the next message goes out even when nothing else changed. */
  setCapabilities(capabilities: bigint): void {
    this.#status.setCapabilities(capabilities);
    this.#status.requestHeartbeat();
    this.#version += 1;
  }

  setDescription(description: Required<FakeAgentDescription>): void {
    this.#description = description;
    this.#status.setDescription(wireDescription(description));
    this.#version += 1;
  }

  setHealth(health: FakeHealth): void {
    this.#health = health;
    this.#status.setHealth(this.#wireHealth());
    this.#version += 1;
  }

  setEffectiveConfig(files: FakeConfigFiles): void {
    this.#effectiveConfig = files;
    this.#status.setEffectiveConfig(Object.entries(files).map(([name, file]): ConfigFile => ({ name, contentType: file.contentType, body: file.body })));
    // Sent again even when equal, as a test may wait for it.
    this.#status.requeue(['effectiveConfig']);
    this.#version += 1;
  }

  setRemoteConfigStatus(status: FakeRemoteConfigStatus): void {
    this.#remoteConfigStatus = status;
    this.#status.setRemoteConfigStatus({ hash: Buffer.from(status.hash, 'hex'), status: status.status, errorMessage: status.errorMessage });
    this.#status.requeue(['remoteConfigStatus']);
    this.#version += 1;
  }

  /** Every part is due: the next message is a full report (ReportFullState). */
  markAll(): void {
    this.#status.markAll();
    this.#version += 1;
  }

  /** A header-only message is due (a heartbeat). */
  requestHeartbeat(): void {
    this.#status.requestHeartbeat();
  }

  /** Puts back parts of a message that may not have arrived. */
  requeue(parts: readonly ReportPart[]): void {
    this.#status.requeue(parts);
  }

  hasPending(): boolean {
    return this.#status.hasPending();
  }

  /** The next AgentToServer (see {@link StatusReport.build}), with the state version it reflects. */
  build(opts: { readonly full?: boolean; readonly disconnect?: boolean } = {}): BuiltReport {
    return { ...this.#status.build(opts), version: this.#version };
  }

  #wireHealth(): opamp.IComponentHealth {
    return { ...this.#health, startTimeUnixNano: this.#startedAt, statusTimeUnixNano: toLong(nowNanos()) };
  }
}

function wireDescription(description: Required<FakeAgentDescription>): opamp.IAgentDescription {
  return {
    identifyingAttributes: attributes(description.identifying),
    nonIdentifyingAttributes: attributes(description.nonIdentifying),
  };
}

/** The config carried by a decoded AgentConfigMap, copied out of the message buffer. */
export function configFilesOf(map: opamp.IAgentConfigMap | null | undefined): FakeConfigFiles {
  const files: Record<string, { contentType: string; body: Buffer }> = {};
  for (const [name, file] of Object.entries(map?.configMap ?? {})) {
    files[name] = Object.freeze({ contentType: file.contentType ?? '', body: Buffer.from(file.body ?? new Uint8Array()) });
  }
  return Object.freeze(files);
}
