import {
  AgentCapabilities as AC,
  RemoteConfigStatuses,
  hasCapability,
  toLong,
  toMask,
  type IAgentToServer,
  type opamp,
} from '@shepherd/proto';
import type { ConfigFile } from './config-file.js';

/** The status sub-messages that are left out while unchanged (wire-facts §6.5). */
export type ReportPart = 'description' | 'health' | 'effectiveConfig' | 'remoteConfigStatus';

const ALL_PARTS: readonly ReportPart[] = ['description', 'health', 'effectiveConfig', 'remoteConfigStatus'];

/** The capability without which a part is never sent (the description needs only ReportsStatus). */
const PART_CAPABILITY: Readonly<Record<ReportPart, number | undefined>> = {
  description: undefined,
  health: AC.AgentCapabilities_ReportsHealth,
  effectiveConfig: AC.AgentCapabilities_ReportsEffectiveConfig,
  remoteConfigStatus: AC.AgentCapabilities_ReportsRemoteConfig,
};

/** RemoteConfigStatus as the agent keeps it. */
export interface RemoteConfigState {
  /** The last `config_hash` received (empty before any). */
  readonly hash: Uint8Array;
  readonly status: 'UNSET' | 'APPLYING' | 'APPLIED' | 'FAILED';
  readonly errorMessage: string;
}

const STATUS_VALUES = {
  UNSET: RemoteConfigStatuses.RemoteConfigStatuses_UNSET,
  APPLYING: RemoteConfigStatuses.RemoteConfigStatuses_APPLYING,
  APPLIED: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
  FAILED: RemoteConfigStatuses.RemoteConfigStatuses_FAILED,
} as const;

/** One AgentToServer ready to go out, and which parts it carries (to put back if it is lost). */
export interface BuiltMessage {
  readonly message: IAgentToServer;
  readonly parts: readonly ReportPart[];
}

/**
 * What the agent reports, and the status-compression bookkeeping: a part
 * goes out when it changed since it was last sent (or when a full report is
 * due), and only when a declared capability allows it. Every built message
 * takes the next sequence number, from 0.
 */
export class StatusReport {
  uid: Uint8Array;
  #capabilities: bigint;
  #description: opamp.IAgentDescription;
  #health: opamp.IComponentHealth | undefined;
  #effectiveConfig: readonly ConfigFile[] = [];
  #remoteConfig: RemoteConfigState = { hash: new Uint8Array(), status: 'UNSET', errorMessage: '' };
  #nextSeq = 0n;
  readonly #dirty = new Set<ReportPart>(ALL_PARTS);
  /** A message is due even though no part changed (new capabilities, a heartbeat). */
  #headerDue = false;

  constructor(uid: Uint8Array, capabilities: bigint, description: opamp.IAgentDescription) {
    this.uid = uid;
    this.#capabilities = capabilities;
    this.#description = description;
  }

  /** The AgentCapabilities every message declares. */
  get capabilities(): bigint {
    return this.#capabilities;
  }

  get remoteConfigStatus(): RemoteConfigState {
    return this.#remoteConfig;
  }

  /** sequence_num of the last built message; -1n before the first. */
  get lastSequenceNum(): bigint {
    return this.#nextSeq - 1n;
  }

  /**
   * Declares other capabilities from the next message on; a message is due
   * even when no part changed, since capabilities travel in every header
   * (wire-facts §7.33). Parts they newly allow go out when next due.
   */
  setCapabilities(capabilities: bigint): void {
    if (capabilities === this.#capabilities) return;
    this.#capabilities = capabilities;
    this.#headerDue = true;
  }

  /** Makes a message due even when nothing changed: it carries the header only (a heartbeat). */
  requestHeartbeat(): void {
    this.#headerDue = true;
  }

  setDescription(description: opamp.IAgentDescription): void {
    this.#description = description;
    this.#dirty.add('description');
  }

  /** Sets the health; it goes out with the next message (also when equal: the interval report). */
  setHealth(health: opamp.IComponentHealth): void {
    this.#health = health;
    this.#dirty.add('health');
  }

  /** Sets the effective config; marked changed only when a name, type or body differs. */
  setEffectiveConfig(files: readonly ConfigFile[]): void {
    if (sameFiles(this.#effectiveConfig, files)) return;
    this.#effectiveConfig = files.map((f) => ({ ...f }));
    this.#dirty.add('effectiveConfig');
  }

  /** Sets the RemoteConfigStatus; marked changed only when it differs. */
  setRemoteConfigStatus(state: RemoteConfigState): void {
    const current = this.#remoteConfig;
    if (current.status === state.status && current.errorMessage === state.errorMessage && Buffer.from(current.hash).equals(state.hash)) return;
    this.#remoteConfig = { ...state, hash: Uint8Array.from(state.hash) };
    this.#dirty.add('remoteConfigStatus');
  }

  /** Every part is due: the next message is a full report (ReportFullState, new connection). */
  markAll(): void {
    for (const part of ALL_PARTS) this.#dirty.add(part);
  }

  /** Puts back the parts of a message that may not have reached the server. */
  requeue(parts: readonly ReportPart[]): void {
    for (const part of parts) this.#dirty.add(part);
  }

  /** True when a part the capabilities allow changed since it was last sent, or a header-only message is due. */
  hasPending(): boolean {
    return this.#headerDue || ALL_PARTS.some((part) => this.#dirty.has(part) && this.#allowed(part) && this.#has(part));
  }

  /**
   * The next AgentToServer: instance_uid, sequence_num, capabilities (always,
   * wire-facts §1) and every due part; `full` makes every part due first;
   * `disconnect` adds agent_disconnect (the last message).
   */
  build(opts: { readonly full?: boolean; readonly disconnect?: boolean } = {}): BuiltMessage {
    if (opts.full === true) this.markAll();
    const parts = ALL_PARTS.filter((part) => this.#dirty.has(part) && this.#allowed(part) && this.#has(part));
    for (const part of parts) this.#dirty.delete(part);
    this.#headerDue = false;
    const message: IAgentToServer = {
      instanceUid: this.uid,
      sequenceNum: toLong(this.#nextSeq),
      capabilities: toMask(this.#capabilities),
    };
    this.#nextSeq += 1n;
    for (const part of parts) this.#fill(message, part);
    if (opts.disconnect === true) message.agentDisconnect = {};
    return { message, parts };
  }

  #allowed(part: ReportPart): boolean {
    const bit = PART_CAPABILITY[part];
    return bit === undefined || hasCapability(this.#capabilities, bit);
  }

  /** Health before the first measurement is not reported at all rather than as empty. */
  #has(part: ReportPart): boolean {
    return part !== 'health' || this.#health !== undefined;
  }

  #fill(message: IAgentToServer, part: ReportPart): void {
    switch (part) {
      case 'description':
        message.agentDescription = this.#description;
        return;
      case 'health':
        message.health = this.#health ?? null;
        return;
      case 'effectiveConfig':
        message.effectiveConfig = { configMap: { configMap: configMapOf(this.#effectiveConfig) } };
        return;
      case 'remoteConfigStatus':
        message.remoteConfigStatus = {
          lastRemoteConfigHash: this.#remoteConfig.hash,
          status: STATUS_VALUES[this.#remoteConfig.status],
          errorMessage: this.#remoteConfig.errorMessage,
        };
        return;
    }
  }
}

/** The wire form of a config (AgentConfigMap.config_map). */
export function configMapOf(files: readonly ConfigFile[]): Record<string, opamp.IAgentConfigFile> {
  const map: Record<string, opamp.IAgentConfigFile> = {};
  for (const file of files) map[file.name] = { body: file.body, contentType: file.contentType };
  return map;
}

function sameFiles(a: readonly ConfigFile[], b: readonly ConfigFile[]): boolean {
  if (a.length !== b.length) return false;
  const byName = new Map(a.map((f) => [f.name, f]));
  return b.every((f) => {
    const other = byName.get(f.name);
    return other !== undefined && other.contentType === f.contentType && Buffer.from(other.body).equals(f.body);
  });
}
