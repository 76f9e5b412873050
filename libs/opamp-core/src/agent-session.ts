/**
 * What a gateway remembers about one agent between its messages (per
 * WebSocket connection, or per uid for plain HTTP). Immutable: every answer
 * returns a new value (see {@link respondToAgent}).
 */
export interface AgentSession {
  /** The agent's instance uid, canonical lower-case UUID text. */
  readonly uid: string;
  /** sequence_num of the last message seen (§7.29). */
  readonly lastSequenceNum: bigint;
  /** The agent's capability mask as last reported; 0n until one was reported (§7.33). */
  readonly capabilities: bigint;
  /** Fingerprint of the identifying attributes last reported ({@link identityOf}); undefined until a description arrived. */
  readonly identity: string | undefined;
  /** The last reply asked for ReportFullState; the next message is taken as the answer. */
  readonly fullStatePending: boolean;
  /** State is still missing after an answer; the next message asks again. */
  readonly fullStateOwed: boolean;
  /** The agent said agent_disconnect (§7.42); the caller should forget the session. */
  readonly disconnected: boolean;
  /** Messages answered for this session. */
  readonly messages: number;
}
