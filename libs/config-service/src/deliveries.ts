import {
  CommandType,
  DeliveryKind,
  encodeServerToAgent,
  encodeServerToAgentDelivery,
  encodeServerToAgentMulticast,
  type IServerToAgent,
  ServerToAgentFlags,
  toLong,
  toMask,
  uidFromString,
} from '@shepherd/proto';
import type { SignatureEntry } from '@shepherd/config-signing';
import { hashToBytes } from './config-hash.js';
import type { ConfigVersion } from './config-versions.js';

/** What a remote-config offer is built from. */
export interface RemoteConfigOffer {
  readonly instanceUid: string;
  readonly version: ConfigVersion;
  /** False when the agent already has the config: only the hash is sent (§7.49). */
  readonly includeConfig: boolean;
  readonly issuedAtMs: number;
  /**
   * The signature of the offered config (`signConfig` of the version's hash, issued at
   * `issuedAtMs`), added to the map as the reserved entry when the config is included
   * (docs/config-signing.md). The hash stays the hash of the stored files.
   */
  readonly signature?: SignatureEntry | undefined;
  /**
   * Also set ReportFullState (§7.31): a repeated offer of a hash the agent never confirmed. An
   * agent that already runs that config reports nothing new on a second offer of it, so a status
   * report that got lost on the way would otherwise never be repeated.
   */
  readonly reportFullState?: boolean;
}

/**
 * The encoded ServerToAgentDelivery (kind REMOTE_CONFIG) carrying
 * `ServerToAgent{instance_uid, remote_config{config, config_hash}}`: the hash always as its 32
 * raw bytes (§7.47), the config map with every file under its name (§7.52).
 */
export function remoteConfigDelivery(offer: RemoteConfigOffer): Uint8Array {
  return wrap(offer.instanceUid, offer.version.tenantId, offerBody(offer), DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG, offer.issuedAtMs, offerCorrelation(offer));
}

/** The same offer to several agents of one gateway: {@link RemoteConfigOffer} with their uids. */
export interface RemoteConfigMulticast extends Omit<RemoteConfigOffer, 'instanceUid'> {
  /** Canonical uuid text of each agent. */
  readonly instanceUids: readonly string[];
}

/**
 * The encoded ServerToAgentMulticast (kind REMOTE_CONFIG) of one offer to several agents: the
 * ServerToAgent of {@link remoteConfigDelivery} without instance_uid, encoded once, which the
 * gateway stamps with each agent's uid.
 */
export function remoteConfigMulticast(offer: RemoteConfigMulticast): Uint8Array {
  return encodeServerToAgentMulticast({
    instanceUids: offer.instanceUids.map(uidFromString),
    serverToAgent: encodeServerToAgent(offerBody(offer)),
    kind: DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG,
    issuedAtUnixNano: toLong(BigInt(Math.trunc(offer.issuedAtMs)) * 1_000_000n),
    correlationId: offerCorrelation(offer),
    tenantId: offer.version.tenantId,
  });
}

/** The offer's ServerToAgent fields but instance_uid: the hash always as its 32 raw bytes (§7.47), the files when included (§7.52). */
function offerBody(offer: Omit<RemoteConfigOffer, 'instanceUid'>): IServerToAgent {
  const configMap: Record<string, { body: Uint8Array; contentType: string }> = Object.fromEntries(
    offer.version.files.map((file) => [file.name, { body: file.body, contentType: file.contentType }]),
  );
  if (offer.includeConfig && offer.signature !== undefined) {
    configMap[offer.signature.name] = { body: offer.signature.body, contentType: offer.signature.contentType };
  }
  const remoteConfig = {
    configHash: hashToBytes(offer.version.hash),
    ...(offer.includeConfig ? { config: { configMap } } : {}),
  };
  const flags = offer.reportFullState === true ? { flags: toMask(ServerToAgentFlags.ServerToAgentFlags_ReportFullState) } : {};
  return { remoteConfig, ...flags };
}

function offerCorrelation(offer: Omit<RemoteConfigOffer, 'instanceUid'>): string {
  return `config:${offer.version.hash}`;
}

/** The encoded ServerToAgentDelivery (kind FLAGS) asking the agent for a full status report (§7.31). */
export function reportFullStateDelivery(instanceUid: string, tenantId: string, issuedAtMs: number): Uint8Array {
  const flags = toMask(ServerToAgentFlags.ServerToAgentFlags_ReportFullState);
  return wrap(instanceUid, tenantId, { flags }, DeliveryKind.DELIVERY_KIND_FLAGS, issuedAtMs, 'config:report-full-state');
}

/**
 * The encoded ServerToAgentDelivery (kind COMMAND) asking the agent to restart (§7.71: only for
 * agents with AcceptsRestartCommand; the gateway adds nothing but instance_uid and capabilities).
 */
export function restartCommandDelivery(instanceUid: string, tenantId: string, issuedAtMs: number, correlationId: string): Uint8Array {
  const command = { type: CommandType.CommandType_Restart };
  return wrap(instanceUid, tenantId, { command }, DeliveryKind.DELIVERY_KIND_COMMAND, issuedAtMs, correlationId);
}

function wrap(
  instanceUid: string,
  tenantId: string,
  body: IServerToAgent,
  kind: DeliveryKind,
  issuedAtMs: number,
  correlationId: string,
): Uint8Array {
  const uid = uidFromString(instanceUid);
  return encodeServerToAgentDelivery({
    instanceUid: uid,
    serverToAgent: encodeServerToAgent({ instanceUid: uid, ...body }),
    kind,
    issuedAtUnixNano: toLong(BigInt(Math.trunc(issuedAtMs)) * 1_000_000n),
    correlationId,
    tenantId,
  });
}
