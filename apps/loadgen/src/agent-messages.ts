import {
  AgentCapabilities as AC,
  RemoteConfigStatuses,
  ServerToAgentFlags,
  toBigInt,
  toLong,
  toMask,
  type IAgentToServer,
  type ServerToAgent,
  type opamp,
} from '@shepherd/proto';
import { encodeAgentMessage } from './lean-codec.js';

/** What every simulated agent declares: status, health, heartbeats, remote config with status and effective config. */
export const LOADGEN_CAPABILITIES = toMask(
  AC.AgentCapabilities_ReportsStatus,
  AC.AgentCapabilities_AcceptsRemoteConfig,
  AC.AgentCapabilities_ReportsEffectiveConfig,
  AC.AgentCapabilities_ReportsHealth,
  AC.AgentCapabilities_ReportsRemoteConfig,
  AC.AgentCapabilities_ReportsHeartbeat,
);

/**
 * The little a simulated agent keeps (a few hundred bytes): its uid, the
 * next sequence number and the remote config it last applied. The applied
 * config map is the decoded object shared by every agent that got it.
 */
export interface SimAgentState {
  readonly index: number;
  readonly uid: Uint8Array;
  seq: number;
  appliedHash: Uint8Array | undefined;
  appliedConfig: opamp.IAgentConfigMap | undefined;
  /** The server asked for a full report (ReportFullState), or the agent (re)connected. */
  fullPending: boolean;
}

/**
 * A fresh agent. Its uid is a valid version-4 UUID (strict servers check the
 * version and variant bits): the run seed's 8 bytes, then `index` as a
 * big-endian uint64, with those bits set over them.
 */
export function newSimAgent(runSeed: string, index: number): SimAgentState {
  const uid = new Uint8Array(16);
  uid.set(Buffer.from(runSeed, 'hex').subarray(0, 8), 0);
  new DataView(uid.buffer).setBigUint64(8, BigInt(index));
  uid[6] = 0x40 | (uid[6]! & 0x0f);
  uid[8] = 0x80 | (uid[8]! & 0x3f);
  return { index, uid, seq: 0, appliedHash: undefined, appliedConfig: undefined, fullPending: true };
}

/** Static description parts shared by all agents of a process. */
export interface FleetDescription {
  readonly labels: Readonly<Record<string, string>>;
  readonly startedAtNanos: bigint;
  /** Applied configs by hash hex, so agents given the same config share one copy (bounded by {@link MAX_SHARED_CONFIGS}). */
  readonly configs: Map<string, opamp.IAgentConfigMap>;
}

/** Distinct configs kept for sharing; beyond it the oldest is forgotten (agents keep their reference). */
export const MAX_SHARED_CONFIGS = 32;

function shared(fleet: FleetDescription, hashHex: string, config: opamp.IAgentConfigMap | null | undefined): opamp.IAgentConfigMap {
  const known = fleet.configs.get(hashHex);
  if (known !== undefined) return known;
  const copy: opamp.IAgentConfigMap = { configMap: {} };
  for (const [name, file] of Object.entries(config?.configMap ?? {})) {
    copy.configMap![name] = { body: Buffer.from(file.body ?? new Uint8Array()), contentType: file.contentType ?? '' };
  }
  if (fleet.configs.size >= MAX_SHARED_CONFIGS) fleet.configs.delete(fleet.configs.keys().next().value!);
  fleet.configs.set(hashHex, copy);
  return copy;
}

const kv = (key: string, value: string): opamp.KeyValue.$Properties => ({ key, value: { stringValue: value } });

function describe(agent: SimAgentState, fleet: FleetDescription): opamp.IAgentDescription {
  return {
    identifyingAttributes: [kv('service.name', 'otelcol-contrib'), kv('service.instance.id', `loadgen-${agent.index}`), kv('service.version', '0.120.0')],
    nonIdentifyingAttributes: [
      kv('host.name', `loadgen-host-${agent.index}`),
      kv('os.type', 'linux'),
      kv('host.arch', 'amd64'),
      ...Object.entries(fleet.labels).map(([k, v]) => kv(k, v)),
    ],
  };
}

function remoteConfigStatus(agent: SimAgentState): opamp.IRemoteConfigStatus {
  return agent.appliedHash === undefined
    ? { status: RemoteConfigStatuses.RemoteConfigStatuses_UNSET }
    : { lastRemoteConfigHash: agent.appliedHash, status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED };
}

function next(agent: SimAgentState): IAgentToServer {
  const message: IAgentToServer = { instanceUid: agent.uid, sequenceNum: toLong(BigInt(agent.seq)), capabilities: LOADGEN_CAPABILITIES };
  agent.seq += 1;
  return message;
}

/** The full report sent on (re)connect or on ReportFullState: description, health, effective config and remote-config status. */
export function fullReport(agent: SimAgentState, fleet: FleetDescription): Uint8Array {
  const message = next(agent);
  message.agentDescription = describe(agent, fleet);
  message.health = { healthy: true, status: 'StatusOK', startTimeUnixNano: toLong(fleet.startedAtNanos), statusTimeUnixNano: toLong(fleet.startedAtNanos) };
  message.effectiveConfig = { configMap: agent.appliedConfig ?? { configMap: {} } };
  message.remoteConfigStatus = remoteConfigStatus(agent);
  agent.fullPending = false;
  return encodeAgentMessage(message);
}

/** A heartbeat: uid, sequence number and capabilities only (status compression). */
export function heartbeat(agent: SimAgentState): Uint8Array {
  return encodeAgentMessage(next(agent));
}

/** APPLIED for the config just applied, with the new effective config. */
export function appliedReport(agent: SimAgentState): Uint8Array {
  const message = next(agent);
  message.effectiveConfig = { configMap: agent.appliedConfig ?? { configMap: {} } };
  message.remoteConfigStatus = remoteConfigStatus(agent);
  return encodeAgentMessage(message);
}

/** The agent's answer to one ServerToAgent, and what it learned from it. */
export interface ReplyOutcome {
  /** Bytes to send now, if any. */
  readonly send: Uint8Array | undefined;
  /** Hex hash of a remote config applied by this message. */
  readonly applied: string | undefined;
  /** The server refused with Unavailable: reconnect after this many ms (0 when it gave no hint). */
  readonly retryAfterMs: number | undefined;
  readonly kind: 'reply' | 'push' | 'error';
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array): boolean => a !== undefined && Buffer.compare(a, b) === 0;

/**
 * Reacts to a ServerToAgent like a collector supervisor would: applies an
 * offered remote config (a new hash only) and reports APPLIED with the new
 * effective config; answers ReportFullState with a full report; remembers a
 * retry hint from an Unavailable error. `pushed` marks a message that was not
 * the reply to one of ours (only counted).
 */
export function onServerMessage(agent: SimAgentState, fleet: FleetDescription, message: ServerToAgent, pushed: boolean): ReplyOutcome {
  const kind = message.errorResponse ? 'error' : pushed ? 'push' : 'reply';
  if (message.errorResponse) {
    const nanos = message.errorResponse.retryInfo?.retryAfterNanoseconds;
    const retryAfterMs = nanos === undefined || nanos === null ? 0 : Number(toBigInt(nanos) / 1_000_000n);
    return { send: undefined, applied: undefined, retryAfterMs, kind };
  }
  const flags = message.flags === undefined || message.flags === null ? 0n : toBigInt(message.flags);
  if ((flags & BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState)) !== 0n) agent.fullPending = true;
  const offer = message.remoteConfig;
  const hash = offer?.configHash;
  if (offer && hash && hash.length > 0 && !sameBytes(agent.appliedHash, hash)) {
    const hashHex = Buffer.from(hash).toString('hex');
    agent.appliedHash = Uint8Array.from(hash);
    agent.appliedConfig = shared(fleet, hashHex, offer.config);
    const send = agent.fullPending ? fullReport(agent, fleet) : appliedReport(agent);
    return { send, applied: hashHex, retryAfterMs: undefined, kind };
  }
  return { send: agent.fullPending ? fullReport(agent, fleet) : undefined, applied: undefined, retryAfterMs: undefined, kind };
}
