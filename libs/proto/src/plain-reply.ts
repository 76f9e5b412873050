import { encodeServerToAgent } from './codec.js';
import { ProtoEncodeError } from './errors.js';
import { toLong } from './uint64.js';

const UID_BYTES = 16;

interface PlainReplyTemplate {
  readonly capabilities: bigint;
  readonly bytes: Uint8Array;
  /** Where the instance_uid's 16 bytes sit in `bytes`. */
  readonly uidAt: number;
}

let template: PlainReplyTemplate | undefined;

/** Encodes the reply twice with different uids and keeps the bytes and where they differ: no assumption about field order. */
function templateFor(capabilities: bigint): PlainReplyTemplate {
  const zeros = encodeServerToAgent({ instanceUid: new Uint8Array(UID_BYTES), capabilities: toLong(capabilities) });
  const ones = encodeServerToAgent({ instanceUid: new Uint8Array(UID_BYTES).fill(0xff), capabilities: toLong(capabilities) });
  const uidAt = zeros.findIndex((byte, i) => byte !== ones[i]);
  return { capabilities, bytes: zeros, uidAt };
}

/**
 * Encodes the ServerToAgent most agent messages are answered with: the agent's 16-byte
 * instance_uid and the server's capabilities, nothing else. The bytes are exactly
 * `encodeServerToAgent({ instanceUid, capabilities })`, built by copying the uid into a template
 * kept for the last `capabilities` value (a server answers with one), which spares a protobuf
 * verify and encode on every heartbeat.
 * @throws {ProtoEncodeError} `instanceUid` is not 16 bytes
 */
export function encodePlainServerToAgent(instanceUid: Uint8Array, capabilities: bigint): Uint8Array {
  if (instanceUid.length !== UID_BYTES) throw new ProtoEncodeError(`ServerToAgent: instance_uid must be ${UID_BYTES} bytes, got ${instanceUid.length}`);
  if (template?.capabilities !== capabilities) template = templateFor(capabilities);
  // A Buffer, not a bare Uint8Array: node's streams would wrap the latter in one more object per write.
  const bytes = Buffer.allocUnsafe(template.bytes.length);
  bytes.set(template.bytes);
  bytes.set(instanceUid, template.uidAt);
  return bytes;
}
