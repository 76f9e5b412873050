/**
 * @shepherd/opamp-core: the OpAMP server's protocol logic without any I/O:
 * per-agent session state and the immediate answer to each AgentToServer,
 * capability gating, the HTTP delivery mailbox and error replies
 * (wire-facts §6, checklist §7).
 */
export type { AgentSession } from './agent-session.js';
export { respondToAgent, type AgentExchange, type ReassignReason, type RespondContext } from './respond-to-agent.js';
export { decideFullState, type FullStateDecision, type FullStateInput } from './full-state-policy.js';
export {
  decodeAgentFrame,
  decodeAgentPayload,
  type AgentMessageDecoding,
  type DecodedAgentMessage,
  type RejectedAgentMessage,
} from './decode-agent-message.js';
export { identityOf } from './agent-identity.js';
export { allowedForAgent, isEmptyOffer, type GatedMessage, type GatedPart } from './capability-gate.js';
export {
  DeliveryMailbox,
  type DeliveryMailboxOptions,
  type MailboxStats,
  type PendingDelivery,
  type PutOutcome,
} from './delivery-mailbox.js';
export { composeReply, prepareDelivery, type ComposedReply } from './compose-reply.js';
export { offerTemplate, type OfferTemplate } from './pass-through-offer.js';
export { errorReply } from './error-reply.js';
export { GATEWAY_SERVER_CAPABILITIES } from './server-capabilities.js';
export { MalformedAgentMessageError, OpampCoreOptionError, SessionMismatchError } from './errors.js';
