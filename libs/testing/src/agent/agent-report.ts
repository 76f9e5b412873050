import {
  AgentCapabilities as AC,
  RemoteConfigStatuses,
  hasCapability,
  toLong,
  toMask,
  type IAgentToServer,
  type opamp,
} from '@shepherd/proto';
import type { FakeAgentDescription, FakeConfigFiles } from './fake-agent-options.js';

/** The status sub-messages an agent may leave out when unchanged (wire-facts §6.5). */
export type ReportPart = 'description' | 'health' | 'effectiveConfig' | 'remoteConfigStatus';

const ALL_PARTS: readonly ReportPart[] = ['description', 'health', 'effectiveConfig', 'remoteConfigStatus'];

/** Which capability allows a part to be sent (description needs none beyond ReportsStatus). */
const PART_CAPABILITY: Readonly<Record<ReportPart, number | undefined>> = {
  description: undefined,
  health: AC.AgentCapabilities_ReportsHealth,
  effectiveConfig: AC.AgentCapabilities_ReportsEffectiveConfig,
  remoteConfigStatus: AC.AgentCapabilities_ReportsRemoteConfig,
};

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

const STATUS_VALUES = {
  UNSET: RemoteConfigStatuses.RemoteConfigStatuses_UNSET,
  APPLYING: RemoteConfigStatuses.RemoteConfigStatuses_APPLYING,
  APPLIED: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
  FAILED: RemoteConfigStatuses.RemoteConfigStatuses_FAILED,
} as const;

const nowNanos = (): bigint => BigInt(Date.now()) * 1_000_000n;
const attributes = (map: Readonly<Record<string, string>>): opamp.KeyValue.$Properties[] =>
  Object.entries(map).map(([key, value]) => ({ key, value: { stringValue: value } }));

/**
 * The agent's own state and the status-compression bookkeeping: which parts
 * changed since they were last sent, and the sequence number (from 0, +1 per
 * built message).
 */
export class AgentReport {
  uid: Uint8Array;
  capabilities: bigint;
  description: Required<FakeAgentDescription>;
  health: FakeHealth = { healthy: true, status: 'StatusOK', lastError: '' };
  effectiveConfig: FakeConfigFiles = {};
  remoteConfigStatus: FakeRemoteConfigStatus = { hash: '', status: 'UNSET', errorMessage: '' };
  /** Bumped by every state change; a built message carries the version it reflects. */
  version = 0;
  #nextSeq = 0n;
  #dirty = new Set<ReportPart>(ALL_PARTS);
  #forced = false;
  readonly #startedAt = nowNanos();

  constructor(uid: Uint8Array, capabilities: bigint, description: Required<FakeAgentDescription>) {
    this.uid = uid;
    this.capabilities = capabilities;
    this.description = description;
  }

  /** The sequence number the last built message carried, or -1 before the first. */
  get lastSequenceNum(): bigint {
    return this.#nextSeq - 1n;
  }

  /** Marks a part changed so the next message carries it. */
  markDirty(...parts: ReportPart[]): void {
    for (const part of parts) this.#dirty.add(part);
    this.version += 1;
  }

  /** Marks every part changed: the next message is a full report. */
  markAll(): void {
    this.markDirty(...ALL_PARTS);
  }

  /** Makes the next message go out even when nothing else changed (e.g. new capabilities). */
  touch(): void {
    this.#forced = true;
    this.version += 1;
  }

  /** Puts back parts of a message that may not have arrived. */
  requeue(parts: readonly ReportPart[]): void {
    for (const part of parts) this.#dirty.add(part);
  }

  /** True when some allowed part changed since it was last sent. */
  hasPending(): boolean {
    return this.#forced || ALL_PARTS.some((part) => this.#dirty.has(part) && this.#allowed(part));
  }

  setRemoteConfigStatus(status: FakeRemoteConfigStatus): void {
    this.remoteConfigStatus = status;
    this.markDirty('remoteConfigStatus');
  }

  /**
   * Builds the next AgentToServer: uid, sequence_num, capabilities, and every
   * changed part the capabilities allow (all of them when `full`).
   */
  build(opts: { full?: boolean; disconnect?: boolean } = {}): BuiltReport {
    if (opts.full) this.#dirty = new Set(ALL_PARTS);
    const parts = ALL_PARTS.filter((part) => this.#dirty.has(part) && this.#allowed(part));
    this.#dirty.clear();
    this.#forced = false;
    const message: IAgentToServer = {
      instanceUid: this.uid,
      sequenceNum: toLong(this.#nextSeq),
      capabilities: toMask(this.capabilities),
    };
    this.#nextSeq += 1n;
    for (const part of parts) this.#fill(message, part);
    if (opts.disconnect) message.agentDisconnect = {};
    return { message, parts, version: this.version };
  }

  #allowed(part: ReportPart): boolean {
    const bit = PART_CAPABILITY[part];
    return bit === undefined || hasCapability(this.capabilities, bit);
  }

  #fill(message: IAgentToServer, part: ReportPart): void {
    switch (part) {
      case 'description':
        message.agentDescription = {
          identifyingAttributes: attributes(this.description.identifying),
          nonIdentifyingAttributes: attributes(this.description.nonIdentifying),
        };
        return;
      case 'health':
        message.health = { ...this.health, startTimeUnixNano: toLong(this.#startedAt), statusTimeUnixNano: toLong(nowNanos()) };
        return;
      case 'effectiveConfig':
        message.effectiveConfig = { configMap: { configMap: configMapOf(this.effectiveConfig) } };
        return;
      case 'remoteConfigStatus':
        message.remoteConfigStatus = {
          lastRemoteConfigHash: Buffer.from(this.remoteConfigStatus.hash, 'hex'),
          status: STATUS_VALUES[this.remoteConfigStatus.status],
          errorMessage: this.remoteConfigStatus.errorMessage,
        };
        return;
    }
  }
}

/** The wire form of a config. */
export function configMapOf(files: FakeConfigFiles): Record<string, opamp.AgentConfigFile.$Properties> {
  const map: Record<string, opamp.AgentConfigFile.$Properties> = {};
  for (const [name, file] of Object.entries(files)) map[name] = { body: file.body, contentType: file.contentType };
  return map;
}

/** The config carried by a decoded AgentConfigMap, copied out of the message buffer. */
export function configFilesOf(map: opamp.IAgentConfigMap | null | undefined): FakeConfigFiles {
  const files: Record<string, { contentType: string; body: Buffer }> = {};
  for (const [name, file] of Object.entries(map?.configMap ?? {})) {
    files[name] = Object.freeze({ contentType: file.contentType ?? '', body: Buffer.from(file.body ?? new Uint8Array()) });
  }
  return Object.freeze(files);
}
