import {
  AgentToServerFlags,
  hasCapability,
  isValidUid,
  newInstanceUid,
  ServerErrorResponseType,
  ServerToAgentFlags,
  toBigInt,
  toLong,
  uidToString,
  type AgentToServer,
  type BitMask,
  type IServerToAgent,
} from '@shepherd/proto';
import { identityOf } from './agent-identity.js';
import type { AgentSession } from './agent-session.js';
import { errorReply } from './error-reply.js';
import { MalformedAgentMessageError, SessionMismatchError } from './errors.js';
import { decideFullState } from './full-state-policy.js';
import { uidProblem } from './decode-agent-message.js';

/** What {@link respondToAgent} needs besides the session and the message. */
export interface RespondContext {
  /** Sent on every successful reply (§7.22); see GATEWAY_SERVER_CAPABILITIES. */
  readonly serverCapabilities: BitMask;
  /**
   * The live session that holds `uid` elsewhere (another connection, or the
   * HTTP session cache), if any. A message whose identifying attributes
   * differ from that session's is a duplicate uid (§7.41). Not consulted for
   * messages without agent_description (they cannot be told apart).
   */
  readonly uidTaken?: (uid: string) => AgentSession | undefined;
  /** Source of new uids (default UUID v7 from @shepherd/proto, §7.40). */
  readonly newUid?: () => Uint8Array;
}

/** Why an agent was told to change its uid. */
export type ReassignReason = 'requested' | 'duplicate';

/** The answer to one AgentToServer. */
export type AgentExchange =
  | {
      /** The message was processed; keep `session` (unless `disconnect`) and publish the message. */
      readonly outcome: 'accepted';
      readonly reply: IServerToAgent;
      readonly session: AgentSession;
      readonly fullStateRequested: boolean;
      /** agent_disconnect was present (§7.42): forget the session after replying. */
      readonly disconnect: boolean;
      /**
       * `reply` holds instance_uid and capabilities and nothing else, so it may be sent as
       * `encodePlainServerToAgent(instanceUid, serverCapabilities)`.
       */
      readonly plain: boolean;
    }
  | {
      /**
       * The agent gets a new uid in agent_identification (§7.39-§7.41) plus
       * ReportFullState, so its next message is a full report under the new
       * uid. Nothing is kept under either uid, and the message is not
       * published: it would be attributed to the agent that owns the old uid.
       */
      readonly outcome: 'reassigned';
      readonly reply: IServerToAgent;
      readonly newUid: Uint8Array;
      readonly reason: ReassignReason;
    }
  | {
      /** Malformed (§7.36): answer with BadRequest, keep nothing, publish nothing. */
      readonly outcome: 'rejected';
      readonly reply: IServerToAgent;
      readonly error: MalformedAgentMessageError;
    };

/**
 * Answers one decoded AgentToServer at once, as the gateway must (§7.19):
 * echoes instance_uid (§7.20), sets capabilities (§7.22), requests full state
 * on sequence gaps or missing state without loops (§7.29-§7.32, see
 * decideFullState), assigns a new uid on RequestInstanceUid or a duplicate
 * uid (§7.39-§7.41), accepts capability changes (a zero mask, as in a bare
 * HTTP poll, keeps the previous one; §7.33), and notes agent_disconnect
 * (§7.42). A uid that is not 16 bytes is answered with BadRequest (§7.36).
 * Pure: no I/O, no clock; the caller stores the returned session.
 * @throws {SessionMismatchError} when `session` belongs to another uid.
 */
export function respondToAgent(session: AgentSession | undefined, message: AgentToServer, ctx: RespondContext): AgentExchange {
  const sent: Uint8Array = message.instanceUid;
  if (!isValidUid(sent)) {
    const text = uidProblem(sent);
    return {
      outcome: 'rejected',
      reply: errorReply(sent, ServerErrorResponseType.ServerErrorResponseType_BadRequest, text),
      error: new MalformedAgentMessageError(text),
    };
  }
  const uid = uidToString(message.instanceUid);
  if (session !== undefined && session.uid !== uid) {
    throw new SessionMismatchError(`session of ${session.uid} passed for a message from ${uid}`);
  }
  const identity = identityOf(message.agentDescription);
  const reason = reassignReason(uid, message, identity, ctx);
  if (reason !== undefined) return reassign(message.instanceUid, reason, ctx);

  const disconnect = message.agentDisconnect !== null && message.agentDisconnect !== undefined;
  const sequenceNum = toBigInt(message.sequenceNum);
  const decision = disconnect
    ? { request: false, fullStatePending: false, fullStateOwed: false }
    : decideFullState({ session, sequenceNum, hasDescription: identity !== undefined });
  const reported = toBigInt(message.capabilities);
  const next: AgentSession = {
    uid,
    lastSequenceNum: sequenceNum,
    capabilities: reported !== 0n ? reported : (session?.capabilities ?? 0n),
    identity: identity ?? session?.identity,
    fullStatePending: decision.fullStatePending,
    fullStateOwed: decision.fullStateOwed,
    disconnected: disconnect,
    messages: (session?.messages ?? 0) + 1,
  };
  const reply: IServerToAgent = {
    instanceUid: message.instanceUid,
    capabilities: toLong(toBigInt(ctx.serverCapabilities)),
    ...(decision.request ? { flags: toLong(BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState)) } : {}),
  };
  return { outcome: 'accepted', reply, session: next, fullStateRequested: decision.request, disconnect, plain: !decision.request };
}

function reassignReason(uid: string, message: AgentToServer, identity: string | undefined, ctx: RespondContext): ReassignReason | undefined {
  if (hasCapability(message.flags, AgentToServerFlags.AgentToServerFlags_RequestInstanceUid)) return 'requested';
  if (identity === undefined) return undefined;
  const holder = ctx.uidTaken?.(uid);
  if (holder?.identity !== undefined && holder.identity !== identity) return 'duplicate';
  return undefined;
}

function reassign(oldUid: Uint8Array, reason: ReassignReason, ctx: RespondContext): AgentExchange {
  const newUid = (ctx.newUid ?? newInstanceUid)();
  const reply: IServerToAgent = {
    // The envelope keeps the uid the agent sent; only agent_identification carries the new one (§6.4).
    instanceUid: oldUid,
    capabilities: toLong(toBigInt(ctx.serverCapabilities)),
    flags: toLong(BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState)),
    agentIdentification: { newInstanceUid: newUid },
  };
  return { outcome: 'reassigned', reply, newUid, reason };
}
