import { decodeAgentLivenessBatch, isValidUid, toBigInt, uidToString } from '@shepherd/proto';

/** One agent's newest plain heartbeat, as a gateway's liveness batch reports it. */
export interface LivenessSeen {
  /** Canonical lower-case uuid text. */
  readonly instanceUid: string;
  readonly tenantId: string;
  /** The gateway that published the batch. */
  readonly gatewayId: string;
  /** When the gateway received the heartbeat. */
  readonly at: Date;
  readonly sequenceNum: bigint;
}

/** What {@link readLivenessBatch} found in one batch. */
export interface LivenessBatchContents {
  readonly gatewayId: string;
  /** At most one per agent (a repeated agent keeps its newest entry). */
  readonly entries: readonly LivenessSeen[];
  /** Entries left out because their instance uid is not 16 bytes. */
  readonly skipped: number;
}

/**
 * Decodes an encoded AgentLivenessBatch. An entry without a usable uid is skipped (and counted),
 * not fatal: the batch's other agents still count as seen. An entry without a time gets `now`.
 * @throws ProtoDecodeError when the bytes are not an AgentLivenessBatch at all
 */
export function readLivenessBatch(bytes: Uint8Array, now: () => number): LivenessBatchContents {
  const batch = decodeAgentLivenessBatch(bytes);
  const byUid = new Map<string, LivenessSeen>();
  let skipped = 0;
  for (const agent of batch.agents) {
    if (agent.instanceUid === null || agent.instanceUid === undefined || !isValidUid(agent.instanceUid)) {
      skipped += 1;
      continue;
    }
    const ns = agent.seenAtUnixNano === null || agent.seenAtUnixNano === undefined ? 0n : toBigInt(agent.seenAtUnixNano);
    const seen: LivenessSeen = {
      instanceUid: uidToString(agent.instanceUid),
      tenantId: agent.tenantId ?? '',
      gatewayId: batch.gatewayId,
      at: new Date(ns > 0n ? Number(ns / 1_000_000n) : now()),
      sequenceNum: agent.sequenceNum === null || agent.sequenceNum === undefined ? 0n : toBigInt(agent.sequenceNum),
    };
    const earlier = byUid.get(seen.instanceUid);
    if (earlier === undefined || earlier.at <= seen.at) byUid.set(seen.instanceUid, seen);
  }
  return Object.freeze({ gatewayId: batch.gatewayId, entries: [...byUid.values()], skipped });
}
