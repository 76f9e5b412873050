import type { AgentSession } from './agent-session.js';

/** Inputs of the ReportFullState decision for one message. */
export interface FullStateInput {
  readonly session: AgentSession | undefined;
  readonly sequenceNum: bigint;
  readonly hasDescription: boolean;
}

/** The decision and the session fields it changes. */
export interface FullStateDecision {
  readonly request: boolean;
  readonly fullStatePending: boolean;
  readonly fullStateOwed: boolean;
}

/**
 * Decides whether to set ReportFullState (wire-facts §7.29, §7.31, §7.32).
 *
 * Wanted when sequence_num is not exactly previous + 1, when the gateway
 * knows no description for the agent and this message has none, or when an
 * earlier need is still owed. Never set on the reply to the message that
 * answers a request (the agent's full report): that message's own sequence
 * number is not judged, and if it still lacks a description the need is
 * remembered as owed and asked for on the agent's next message. So the flag
 * is never repeated for the same gap, at most every other reply carries it,
 * and each request/answer chain ends with a plain acknowledgement: no loop.
 */
export function decideFullState(input: FullStateInput): FullStateDecision {
  const { session, sequenceNum, hasDescription } = input;
  const stateKnown = hasDescription || session?.identity !== undefined;
  if (session?.fullStatePending === true) {
    return { request: false, fullStatePending: false, fullStateOwed: !stateKnown };
  }
  const gap = session !== undefined && sequenceNum !== session.lastSequenceNum + 1n;
  const wanted = gap || !stateKnown || (session?.fullStateOwed ?? false);
  return { request: wanted, fullStatePending: wanted, fullStateOwed: false };
}
