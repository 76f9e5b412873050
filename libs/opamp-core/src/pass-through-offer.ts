import { AgentCapabilities, type BitMask, encodeUint64Field, hasCapability, scanTopLevelFields, toBigInt } from '@shepherd/proto';

const INSTANCE_UID = 1;
const REMOTE_CONFIG = 3;
const FLAGS = 6;
const CAPABILITIES = 7;
const UID_BYTES = 16;
/** Tag and length of a 16-byte instance_uid (field 1, length-delimited). */
const UID_FIELD_HEAD = Uint8Array.of((INSTANCE_UID << 3) | 2, UID_BYTES);

/**
 * An encoded remote-config offer that capability gating leaves as it is, ready to be stamped
 * for each agent it goes to: at its top level only a remote_config, optionally flags, and
 * optionally an instance_uid, in field order. See {@link offerTemplate}.
 */
export interface OfferTemplate {
  /**
   * The ServerToAgent bytes for the agent `instanceUid` with `agentCapabilities`: its
   * instance_uid (§7.20) and the server capabilities (§7.22) around the offer, which is what
   * {@link prepareDelivery} and an encode would give. `undefined` when the agent does not set
   * AcceptsRemoteConfig (gating would remove the offer, §7.46), the template names another agent,
   * or `instanceUid` is not 16 bytes.
   */
  bytesFor(instanceUid: Uint8Array, agentCapabilities: BitMask, serverCapabilities: BitMask): Uint8Array | undefined;
}

/**
 * Looks once at an encoded ServerToAgent and returns a template to send it as it is to every
 * agent that accepts remote config, or `undefined` when the message holds anything gating could
 * change (then decode it and take the general path). Nothing below the top level is decoded: for
 * a config fan-out, decoding each offer's config files and encoding them again was the gateway's
 * largest cost per agent after the socket writes.
 */
export function offerTemplate(serverToAgent: Uint8Array): OfferTemplate | undefined {
  const fields = scanTopLevelFields(serverToAgent);
  if (fields === undefined) return undefined;
  let ownUid: Uint8Array | undefined;
  let offerSeen = false;
  let previous = 0;
  for (const { field, start, end } of fields) {
    // In field order and each once, as an encoder writes them, so what is added keeps that order.
    if (field <= previous) return undefined;
    previous = field;
    if (field === INSTANCE_UID) {
      if (end - start !== UID_BYTES) return undefined;
      ownUid = serverToAgent.subarray(start, end);
    } else if (field === REMOTE_CONFIG) {
      offerSeen = true;
    } else if (field !== FLAGS) {
      return undefined;
    }
  }
  if (!offerSeen) return undefined;
  return {
    bytesFor(instanceUid, agentCapabilities, serverCapabilities) {
      if (instanceUid.length !== UID_BYTES || !hasCapability(agentCapabilities, AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig)) return undefined;
      if (ownUid !== undefined && Buffer.compare(ownUid, instanceUid) !== 0) return undefined;
      const capabilities = encodeUint64Field(CAPABILITIES, BigInt.asUintN(64, toBigInt(serverCapabilities)));
      return ownUid === undefined
        ? Buffer.concat([UID_FIELD_HEAD, instanceUid, serverToAgent, capabilities])
        : Buffer.concat([serverToAgent, capabilities]);
    },
  };
}
