import {
  decodeAgentToServer,
  decodeWsFrame,
  isValidUid,
  ServerErrorResponseType,
  uidToString,
  type AgentToServer,
  type IServerToAgent,
} from '@shepherd/proto';
import { errorReply } from './error-reply.js';
import { MalformedAgentMessageError } from './errors.js';

/** A well-formed AgentToServer with its uid in text form. */
export interface DecodedAgentMessage {
  readonly ok: true;
  readonly message: AgentToServer;
  /** Canonical lower-case UUID text of `message.instanceUid`. */
  readonly uid: string;
  /** The protobuf bytes the message was decoded from (framing removed): what the bus envelope carries. */
  readonly payload: Uint8Array;
}

/** A message that must be answered with BadRequest; `reply` is that answer. */
export interface RejectedAgentMessage {
  readonly ok: false;
  readonly error: MalformedAgentMessageError;
  /** error_response BadRequest with a readable message and no fields 3..11 (§7.24/§7.25/§7.36). */
  readonly reply: IServerToAgent;
  /** The uid bytes as sent, when the message decoded far enough to have one. */
  readonly instanceUid?: Uint8Array;
}

/** Outcome of {@link decodeAgentPayload} / {@link decodeAgentFrame}. */
export type AgentMessageDecoding = DecodedAgentMessage | RejectedAgentMessage;

/**
 * Decodes the protobuf bytes of one AgentToServer (HTTP body after gunzip)
 * and checks that instance_uid is 16 bytes. Never throws: anything malformed
 * becomes a {@link RejectedAgentMessage} whose reply echoes the uid that was
 * sent (empty when undecodable).
 */
export function decodeAgentPayload(payload: Uint8Array): AgentMessageDecoding {
  let message: AgentToServer;
  try {
    message = decodeAgentToServer(payload);
  } catch (err) {
    return reject(undefined, `undecodable AgentToServer: ${(err as Error).message}`, err);
  }
  const sent: Uint8Array = message.instanceUid;
  if (!isValidUid(sent)) return reject(sent, uidProblem(sent));
  return { ok: true, message, uid: uidToString(message.instanceUid), payload };
}

/**
 * Like {@link decodeAgentPayload} for one binary WebSocket message: the
 * varint header must be 0 (§7.7); zero data bytes are an empty AgentToServer
 * (§7.8), which is then rejected for its missing uid.
 */
export function decodeAgentFrame(frame: Uint8Array): AgentMessageDecoding {
  let payload: Uint8Array;
  try {
    payload = decodeWsFrame(frame);
  } catch (err) {
    return reject(undefined, `bad WebSocket message header: ${(err as Error).message}`, err);
  }
  return decodeAgentPayload(payload);
}

function reject(uid: Uint8Array | undefined, text: string, cause?: unknown): RejectedAgentMessage {
  const error = new MalformedAgentMessageError(text, { cause });
  const reply = errorReply(uid, ServerErrorResponseType.ServerErrorResponseType_BadRequest, text);
  return uid === undefined ? { ok: false, error, reply } : { ok: false, error, reply, instanceUid: uid };
}

/** The BadRequest text for an instance_uid that is not 16 bytes. */
export function uidProblem(sent: Uint8Array): string {
  return `instance_uid must be 16 bytes, got ${sent.length}`;
}
